require "vacation";
vacation :days 3 :subject "Out of office" :addresses ["me@example.com", "bob@example.net"] "Back soon.";
