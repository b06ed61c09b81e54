require ["fileinto", "copy", "editheader", "index"];
deleteheader :contains "x-count" "2";
if header :count "eq" :comparator "i;ascii-numeric" "x-count" "1" { fileinto :copy "one-left"; }
deleteheader :index 1 :last "x-count";
if not exists "x-count" { fileinto :copy "none-left"; }
