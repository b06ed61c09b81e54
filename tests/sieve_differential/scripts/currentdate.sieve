require ["fileinto", "copy", "date", "relational"];
if currentdate :value "ge" "date" "2020-01-01" { fileinto :copy "after2020"; }
if currentdate :zone "+0000" :value "lt" "year" "2200" { fileinto :copy "before2200"; }
