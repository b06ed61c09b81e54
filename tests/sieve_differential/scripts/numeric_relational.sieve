require ["fileinto", "copy", "relational", "comparator-i;ascii-numeric"];
if header :value "gt" :comparator "i;ascii-numeric" "x-count" "10" { fileinto :copy "gt10"; }
if header :value "lt" :comparator "i;ascii-numeric" "x-count" "10" { fileinto :copy "lt10"; }
if header :value "eq" :comparator "i;ascii-numeric" "x-caffeine" "99999" { fileinto :copy "nondigit-eq"; }
if header :value "gt" :comparator "i;ascii-numeric" "x-caffeine" "99999" { fileinto :copy "nondigit-gt"; }
if header :value "ge" "subject" "M" { fileinto :copy "string-ge"; }
if header :value "ne" "subject" "x" { fileinto :copy "string-ne"; }
