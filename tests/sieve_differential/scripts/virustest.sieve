require ["fileinto", "copy", "virustest", "relational", "comparator-i;ascii-numeric"];
if virustest :value "eq" :comparator "i;ascii-numeric" "5" { fileinto :copy "infected"; }
if virustest :is "0" { fileinto :copy "untested"; }
if virustest :count "eq" :comparator "i;ascii-numeric" "0" { fileinto :copy "count0"; }
