require ["fileinto", "variables"];
set "Name" "v1";
set "name" "${NAME}2";
fileinto "${name}";
fileinto "${nam}e}";
fileinto "x${}y";
