require ["fileinto", "copy", "spamtest", "relational", "comparator-i;ascii-numeric"];
if spamtest :value "ge" :comparator "i;ascii-numeric" "7" { fileinto :copy "spam-ge7"; }
if spamtest :is "0" { fileinto :copy "untested"; }
if spamtest :value "eq" :comparator "i;ascii-numeric" "10" { fileinto :copy "spam-10"; }
if spamtest :count "eq" :comparator "i;ascii-numeric" "0" { fileinto :copy "count0"; }
if spamtest :count "eq" :comparator "i;ascii-numeric" "1" { fileinto :copy "count1"; }
