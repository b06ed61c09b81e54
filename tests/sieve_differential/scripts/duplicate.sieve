require ["fileinto", "copy", "duplicate"];
if duplicate { fileinto :copy "dup"; }
if duplicate :header "subject" :handle "h" { fileinto :copy "dup-subject"; }
if not duplicate :uniqueid "x" :seconds 60 { fileinto :copy "not-dup"; }
