require ["fileinto", "variables"];
if header :matches "subject" "*e*" { fileinto "a-${1}|b-${2}"; }
if header :matches "subject" "*?*?" { fileinto "c-${1}|${2}|${3}|${4}"; }
if header :matches "subject" "" { fileinto "empty"; } else { fileinto "nonempty-${0}"; }
