require ["fileinto", "imap4flags", "copy"];
addflag "$implicit";
fileinto :flags "\\Deleted $x" :copy "B";
if hasflag :contains "impl" { fileinto :copy "hasflag-contains"; }
if hasflag "$IMPLICIT" { fileinto :copy "hasflag-case"; }
