require ["fileinto", "copy", "encoded-character"];
if header :contains "subject" "${hex:5B 74 63 5D}" { fileinto :copy "hex"; }
if header :contains "subject" "${unicode:48}ello" { fileinto :copy "unicode"; }
if header :contains "subject" "Gr${unicode:FC DF}e" { fileinto :copy "unicode-multi"; }
fileinto :copy "lit-${hex:zz}";
