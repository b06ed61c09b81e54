require ["fileinto", "copy"];
if header :is "subject" "Hello [tc] urgent thing" { fileinto :copy "is"; }
if header :is "SUBJECT" "hello [TC] URGENT thing" { fileinto :copy "is-casemap"; }
if header :contains ["subject", "from"] ["[tc]", "Smith"] { fileinto :copy "contains"; }
if header :contains "subject" "" { fileinto :copy "empty-key"; }
if header :is "x-empty" "" { fileinto :copy "empty-value"; }
if header :contains "x-folded" "line continued" { fileinto :copy "unfolded"; }
