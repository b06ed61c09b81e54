require "fileinto";
fileinto "INBOX";
keep;
fileinto "Other";
fileinto "Other";
