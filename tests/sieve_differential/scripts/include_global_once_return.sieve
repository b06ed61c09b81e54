require ["include", "variables", "fileinto"];
global "who";
set "who" "main";
include :global "setwho";
include :once :global "setwho";
fileinto "who-${who}";
include :optional "does-not-exist";
