require ["fileinto", "copy", "body"];
if body :raw :contains "R3LDvMOfZSBhdXMg" { fileinto :copy "raw-base64"; }
if body :raw :contains "=3D" { fileinto :copy "raw-qp"; }
if body :raw :contains "preamble" { fileinto :copy "raw-preamble"; }
if body :raw :contains "Hello world" { fileinto :copy "raw-plain"; }
