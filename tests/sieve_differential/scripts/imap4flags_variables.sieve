require ["fileinto", "imap4flags", "variables"];
set "fl" "";
addflag "fl" ["a b", "c"];
removeflag "fl" "b";
fileinto "v-${fl}";
if hasflag "fl" "c" { fileinto "has-c"; }
if hasflag :count "eq" "fl" "2" { fileinto "count"; }
