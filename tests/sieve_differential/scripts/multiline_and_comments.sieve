require ["fileinto"]; # comment
/* bracketed
   comment */
if header :contains "subject" text:
Hello
..dot
.
{ fileinto text:
Multi
.
; }
