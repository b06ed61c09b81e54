// Sieve checks for the CLI: script validation for `postamt sieve put` and `postamt sieve test`
// (issue 6).
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "cli/commands.hpp"

namespace postamt::cli {

// "line:col: message" lines (RFC 5804 §2.6 style) when the script does not compile, else nullopt.
std::optional<std::string> sieve_script_errors(std::string_view source);

// `postamt sieve test SCRIPT MESSAGE [--envelope-from A] [--envelope-to B] [--include-dir D]
// [--global-dir G] [--spamtest N] [--spamtest-percent P] [--virustest V] [--now UNIXTIME]`: prints one
// line per action the script would take, without delivering. Exit 0, 65 (script errors), 66
// (unreadable file).
int sieve_test(const Argv& args);

}  // namespace postamt::cli
