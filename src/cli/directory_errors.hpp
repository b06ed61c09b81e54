// How the directory commands (domain, user, alias, user apop-secret) report failures: one line
// `postamt COMMAND: reason` and a sysexits code.
#pragma once
#include <functional>
#include <string>

namespace postamt::cli {

// Prints `postamt <command>: <reason>` to stderr and returns `code`.
int report_failure(const char* command, int code, const std::string& reason);

// Runs `fn`, turning directory and database errors into reports: 67 no such user, 65 bad data,
// 75 database busy (try again), 74 other database errors.
int run_reporting_directory_errors(const char* command, const std::function<int()>& fn);

}  // namespace postamt::cli
