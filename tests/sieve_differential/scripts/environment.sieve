require ["fileinto", "copy", "environment"];
if environment :is "phase" "during" { fileinto :copy "phase"; }
if environment :contains "name" "" { fileinto :copy "has-name"; }
if environment :is "x-unknown-item" "" { fileinto :copy "unknown-empty"; }
