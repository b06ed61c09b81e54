require ["fileinto", "variables"];
set "a" "Hello";
set :upper "b" "${a}";
set :lowerfirst "c" "${b}";
set :length "d" "${a}${b}";
set :quotewildcard "e" "a*b?c\\";
set :upperfirst :lower "f" "wORLD";
fileinto "${b}-${c}-${d}-${f}";
if string :is "${e}" "a\\*b\\?c\\\\" { fileinto "quoted-ok"; }
if string :is "${undefined}" "" { fileinto "undefined-empty"; }
