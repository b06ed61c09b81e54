require ["fileinto", "copy", "mailbox"];
if mailboxexists "INBOX" { fileinto :copy "inbox-exists"; }
if mailboxexists "NoSuchFolder" { fileinto :copy "nosuch-exists"; }
fileinto :create "Created";
