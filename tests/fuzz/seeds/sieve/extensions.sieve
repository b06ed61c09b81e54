require ["vacation", "date", "body", "editheader", "include", "duplicate", "regex"];
if date :value "ge" :originalzone "date" "hour" "09" { addheader "X-Hour" "late"; }
if body :content "text" :contains "hello" { deleteheader :index 1 "Subject"; }
if duplicate :seconds 60 { discard; }
if header :regex "subject" "^h(.)" { vacation :days 3 :subject "away" text:
I am away.
..
.
; }
include :optional "missing";
include :once "other";
