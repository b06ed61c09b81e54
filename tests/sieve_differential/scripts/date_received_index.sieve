require ["fileinto", "copy", "date", "index", "variables"];
if date :index 1 :zone "+0000" :matches "received" "time" "*" { fileinto :copy "r1-${1}"; }
if date :index 1 :last :zone "+0000" :matches "received" "time" "*" { fileinto :copy "rlast-${1}"; }
if header :index 2 :matches "x-count" "*" { fileinto :copy "xc2-${1}"; }
if header :index 1 :last :matches "x-count" "*" { fileinto :copy "xclast-${1}"; }
if header :index 9 :contains "received" "" { fileinto :copy "none"; }
