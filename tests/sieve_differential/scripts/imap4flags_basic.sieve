require ["fileinto", "imap4flags"];
setflag "\\Seen";
addflag ["$Label1", "\\Flagged"];
removeflag "\\Seen";
fileinto "A";
addflag "\\Answered";
keep;
