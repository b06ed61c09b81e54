require ["fileinto", "copy"];
if address :all :is "from" "joe+lists@example.org" { fileinto :copy "all"; }
if address :localpart :is "from" "joe+lists" { fileinto :copy "localpart"; }
if address :domain :is "from" "EXAMPLE.org" { fileinto :copy "domain"; }
if address :is "to" "bob@example.net" { fileinto :copy "to-second"; }
if address :domain :matches ["to", "cc"] "*.example.org" { fileinto :copy "cc-domain"; }
if address :is "from" "Joe Smith <joe+lists@example.org>" { fileinto :copy "with-phrase"; }
