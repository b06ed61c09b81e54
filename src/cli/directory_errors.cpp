// One-line failure reports of the directory commands (see directory_errors.hpp).
#include "cli/directory_errors.hpp"

#include <sysexits.h>

#include <cstdio>

#include "common/sqlite.hpp"
#include "directory/errors.hpp"

namespace postamt::cli {

int report_failure(const char* command, int code, const std::string& reason) {
  std::fprintf(stderr, "postamt %s: %s\n", command, reason.c_str());
  return code;
}

int run_reporting_directory_errors(const char* command, const std::function<int()>& fn) {
  try {
    return fn();
  } catch (const directory::NoSuchUser& e) {
    return report_failure(command, EX_NOUSER, e.what());
  } catch (const directory::Error& e) {
    return report_failure(command, EX_DATAERR, e.what());
  } catch (const sqlite::Error& e) {
    return report_failure(command, e.busy() ? EX_TEMPFAIL : EX_IOERR, std::string("database: ") + e.what());
  }
}

}  // namespace postamt::cli
