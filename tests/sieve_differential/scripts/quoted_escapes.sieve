require "fileinto";
if header :contains "subject" "\\\"\\[tc\\]" { fileinto "esc"; } else { fileinto "noesc-\q"; }
