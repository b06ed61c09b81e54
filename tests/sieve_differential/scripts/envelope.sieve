require ["fileinto", "copy", "envelope"];
if envelope :is "from" "" { fileinto :copy "null-sender"; }
if envelope :domain :is "from" "example.org" { fileinto :copy "from-domain"; }
if envelope :localpart :contains "to" "me" { fileinto :copy "to-local"; }
if envelope :all :is "to" "me@example.com" { fileinto :copy "to-all"; }
if envelope :matches ["from", "to"] "*@example.com" { fileinto :copy "either"; }
