require ["fileinto", "copy", "subaddress", "envelope"];
if address :user :is "from" "joe" { fileinto :copy "user"; }
if address :detail :is "from" "lists" { fileinto :copy "detail"; }
if address :detail :matches "to" "*" { fileinto :copy "to-detail-any"; }
if envelope :detail :is "to" "sieve" { fileinto :copy "env-detail"; }
if envelope :user :is "to" "me" { fileinto :copy "env-user"; }
if envelope :detail :is "to" "" { fileinto :copy "env-empty-detail"; }
