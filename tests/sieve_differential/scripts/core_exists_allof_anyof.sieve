require ["fileinto", "copy"];
if exists ["From", "Date"] { fileinto :copy "fromdate"; }
if exists ["List-Id", "From"] { fileinto :copy "listid"; }
if allof (exists "to", not exists "x-nope") { fileinto :copy "allof"; }
if anyof (false, exists "cc", exists "bcc") { fileinto :copy "anyof"; }
if allof () { fileinto :copy "emptyallof"; }
