require ["fileinto", "copy", "spamtestplus", "relational", "comparator-i;ascii-numeric"];
if spamtest :percent :value "ge" :comparator "i;ascii-numeric" "70" { fileinto :copy "pct-ge70"; }
if spamtest :percent :value "eq" :comparator "i;ascii-numeric" "100" { fileinto :copy "pct-100"; }
if spamtest :percent :count "eq" :comparator "i;ascii-numeric" "0" { fileinto :copy "pct-count0"; }
