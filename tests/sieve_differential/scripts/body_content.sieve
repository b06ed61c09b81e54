require ["fileinto", "copy", "body"];
if body :content "text/html" :contains "Köln" { fileinto :copy "html"; }
if body :content "text/plain" :contains "Dom" { fileinto :copy "plain"; }
if body :content "application" :contains "money" { fileinto :copy "application"; }
if body :content "text" :contains "money" { fileinto :copy "text"; }
if body :content "" :contains "delivered" { fileinto :copy "any"; }
