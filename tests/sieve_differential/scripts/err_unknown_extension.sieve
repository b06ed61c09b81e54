require "x-no-such-extension";
