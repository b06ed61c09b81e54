require ["fileinto", "copy", "date", "relational"];
if date :is "date" "year" "2003" { fileinto :copy "y2003"; }
if date :zone "+0000" :is "date" "date" "2003-07-01" { fileinto :copy "utc-date"; }
if date :zone "+0000" :is "date" "hour" "08" { fileinto :copy "utc-hour"; }
if date :originalzone :is "date" "zone" "+0200" { fileinto :copy "orig-zone"; }
if date :zone "-0500" :is "date" "time" "03:52:37" { fileinto :copy "est-time"; }
if date :zone "+0000" :value "ge" "date" "date" "2010-01-01" { fileinto :copy "after2010"; }
if date :zone "+0000" :is "date" "weekday" "2" { fileinto :copy "tuesday"; }
if date :originalzone :is "date" "iso8601" "*" { fileinto :copy "never"; }
if date :originalzone :matches "date" "iso8601" "*T*" { fileinto :copy "iso-matches"; }
if date :zone "+0000" :is "date" "julian" "52821" { fileinto :copy "julian"; }
