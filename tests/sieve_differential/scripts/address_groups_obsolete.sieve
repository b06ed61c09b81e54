require ["fileinto", "copy"];
if address :is "cc" "alpha@team.example" { fileinto :copy "group-member"; }
if address :is "cc" "beta@team.example" { fileinto :copy "group-quoted-phrase"; }
if address :is "cc" "carol@example.net" { fileinto :copy "after-group"; }
if address :contains "to" "undisclosed" { fileinto :copy "empty-group"; }
if address :is "reply-to" "reply@example.com" { fileinto :copy "route-addr"; }
if address :localpart :is "sender" "quoted local" { fileinto :copy "quoted-local"; }
if address :is "from" "john.smith@example.com" { fileinto :copy "comment-phrase"; }
if address :all :is "bcc" "me@example.com" { fileinto :copy "bcc"; }
