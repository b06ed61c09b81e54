require ["fileinto", "copy"];
if size :over 500 { fileinto :copy "over500"; }
if size :under 1K { fileinto :copy "under1k"; }
if size :over 1M { fileinto :copy "over1m"; }
if not size :under 300 { fileinto :copy "notunder300"; }
