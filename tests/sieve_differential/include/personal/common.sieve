require ["fileinto", "include"];
fileinto "from-common";
if true { return; }
fileinto "after-return";
