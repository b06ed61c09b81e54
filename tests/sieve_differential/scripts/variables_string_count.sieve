require ["fileinto", "copy", "variables", "relational", "comparator-i;ascii-numeric"];
set "empty" "";
set "x" "val";
if string :count "eq" :comparator "i;ascii-numeric" ["${empty}", "${x}", "y"] "2" { fileinto :copy "count2"; }
if string :is "${x}" ["a", "val"] { fileinto :copy "is"; }
if string :value "gt" "${x}" "abc" { fileinto :copy "gt"; }
