require "include";
include "nowhere";
