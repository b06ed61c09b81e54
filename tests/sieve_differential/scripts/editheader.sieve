require ["fileinto", "copy", "editheader", "index"];
addheader "X-Sieve" "added";
if header :is "x-sieve" "added" { fileinto :copy "sees-added"; }
addheader :last "X-Sieve" "last";
if header :index 1 :last :is "x-sieve" "last" { fileinto :copy "last-is-last"; }
deleteheader :index 1 "X-Count";
if header :is "x-count" "12" { fileinto :copy "second-remains"; }
deleteheader "subject";
if not exists "subject" { fileinto :copy "subject-gone"; }
deleteheader "received";
if exists "received" { fileinto :copy "received-protected"; }
