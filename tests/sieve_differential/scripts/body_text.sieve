require ["fileinto", "copy", "body"];
if body :contains "money" { fileinto :copy "money"; }
if body :text :contains "Köln" { fileinto :copy "koeln-text"; }
if body :contains "now! Make" { fileinto :copy "qp-soft-break"; }
if body :contains "= fast" { fileinto :copy "qp-equals"; }
if body :matches "*world*" { fileinto :copy "world"; }
