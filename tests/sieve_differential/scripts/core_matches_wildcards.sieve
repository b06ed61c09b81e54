require ["fileinto", "copy"];
if header :matches "subject" "*" { fileinto :copy "star"; }
if header :matches "subject" "Hello*urgent*" { fileinto :copy "stars"; }
if header :matches "subject" "?ello*" { fileinto :copy "question"; }
if header :matches "subject" "*[tc]*" { fileinto :copy "brackets"; }
if header :matches "subject" "*\\*" { fileinto :copy "escaped-backslash"; }
if header :matches "subject" "*\\**" { fileinto :copy "escaped-star"; }
if header :matches "subject" "*\**" { fileinto :copy "undefined-escape-star"; }
if header :matches "subject" "*\\?*" { fileinto :copy "escaped-question"; }
if header :matches "subject" "????" { fileinto :copy "four"; }
if header :matches "subject" "*???" { fileinto :copy "atleast3"; }
if header :matches "subject" "" { fileinto :copy "empty"; }
