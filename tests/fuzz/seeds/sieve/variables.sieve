require ["variables", "imap4flags", "fileinto", "relational", "comparator-i;ascii-numeric"];
if header :matches "Subject" "*hi*" { set :upper "s" "${2}"; addflag "\\Seen ${s}"; }
if header :count "ge" :comparator "i;ascii-numeric" "to" "1" { fileinto :flags "\\Flagged" "x"; }
/* comment */ if string :is "${s}" "" { stop; }
