require ["fileinto", "copy"];
if header :contains "subject" "Grüße" { fileinto :copy "utf8-q"; }
if header :contains "subject" "Köln" { fileinto :copy "latin1-q"; }
if header :is "subject" "Grüße aus Köln" { fileinto :copy "whole"; }
if header :contains "from" "Jürgen" { fileinto :copy "from-phrase"; }
if header :contains "from" "Foo, Bar" { fileinto :copy "b-encoded"; }
if address :is "from" "juergen@example.de" { fileinto :copy "address"; }
