require "fileinto";
if header :is "x-nonexistent" "x" { fileinto "a"; }
elsif header :contains "subject" "release" { fileinto "b"; }
elsif exists "date" { fileinto "c"; }
else { fileinto "d"; }
