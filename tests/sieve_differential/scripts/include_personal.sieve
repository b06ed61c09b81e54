require ["include", "fileinto"];
include :personal "common";
fileinto "after-include";
