require ["fileinto", "copy", "relational", "comparator-i;ascii-numeric"];
if header :count "ge" :comparator "i;ascii-numeric" "x-count" "2" { fileinto :copy "count-ge2"; }
if header :count "eq" :comparator "i;ascii-numeric" "received" "2" { fileinto :copy "received2"; }
if address :count "ge" :comparator "i;ascii-numeric" ["to", "cc"] "3" { fileinto :copy "addr-count3"; }
if address :count "eq" :comparator "i;ascii-numeric" ["to", "cc"] "0" { fileinto :copy "addr-count0"; }
if header :count "lt" :comparator "i;ascii-numeric" "x-nope" "1" { fileinto :copy "none-lt1"; }
if envelope :count "eq" :comparator "i;ascii-numeric" "from" "1" { fileinto :copy "env-count1"; }
