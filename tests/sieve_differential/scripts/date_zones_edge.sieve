require ["fileinto", "copy", "date", "variables"];
if date :zone "+0000" :matches "date" "date" "*" { fileinto :copy "utc-${1}"; }
if date :originalzone :matches "date" "std11" "*" { set "s" "${1}"; }
if date :originalzone :matches "date" "date" "*" { fileinto :copy "orig-${1}"; }
if date :zone "+1400" :matches "date" "hour" "*" { fileinto :copy "h14-${1}"; }
if not exists "date" { fileinto :copy "nodate"; }
