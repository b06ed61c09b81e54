require ["fileinto"];
if allof (header :contains "subject" "urgent") { redirect "boss@example.test"; }
if allof (header :contains "subject" "kongress") { fileinto "INBOX.KNF.Kongress"; }
elsif allof (header :contains "subject" "[tc]") { fileinto "INBOX.KNF.Technik"; }
elsif allof (header :contains "subject" "ADV:") { discard; }
else { keep; }
