require ["fileinto", "copy", "regex", "variables"];
if header :regex "subject" "^Hello \\[([a-z]+)\\] (.*)$" { fileinto :copy "r-${1}-${2}"; }
if header :regex "subject" "URGENT" { fileinto :copy "icase"; }
if header :regex :comparator "i;octet" "subject" "URGENT" { fileinto :copy "octet"; }
if address :regex :domain "from" "^example\\.(org|com)$" { fileinto :copy "domain"; }
