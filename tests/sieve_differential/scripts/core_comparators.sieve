require ["fileinto", "copy", "comparator-i;ascii-numeric"];
if header :is :comparator "i;octet" "subject" "hello [tc] urgent thing" { fileinto :copy "octet-case"; }
if header :contains :comparator "i;octet" "subject" "[tc]" { fileinto :copy "octet-contains"; }
if header :is :comparator "i;ascii-casemap" "subject" "HELLO [TC] URGENT THING" { fileinto :copy "casemap"; }
if header :is :comparator "i;ascii-numeric" "x-count" "42" { fileinto :copy "numeric-42"; }
if header :is :comparator "i;ascii-numeric" "x-priority" "3" { fileinto :copy "numeric-prefix"; }
if header :is :comparator "i;ascii-numeric" "x-caffeine" "abc" { fileinto :copy "numeric-inf-eq"; }
if header :matches :comparator "i;octet" "subject" "H*" { fileinto :copy "octet-matches"; }
