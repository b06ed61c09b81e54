require "fileinto";
fileinto "before";
stop;
fileinto "after";
