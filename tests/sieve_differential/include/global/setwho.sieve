require ["variables", "include"];
global "who";
set "who" "${who}+global";
