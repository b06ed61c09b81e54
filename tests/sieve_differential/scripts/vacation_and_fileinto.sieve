require ["vacation", "fileinto"];
fileinto "Away";
vacation :days 1 :handle "h1" "away";
