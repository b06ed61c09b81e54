require "reject";
if header :contains "subject" "MONEY" { reject "No spam, please."; }
