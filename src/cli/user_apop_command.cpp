// postamt user apop-secret ADDR -c FILE [--password-stdin | --clear]: sets (generated and printed
// once, or read from stdin) or clears a user's APOP secret (RFC 1939 §7, legacy: see docs/pop3.md).
// Exit codes (sysexits.h): 0, 64 usage, 65 bad secret, 67 no such user, 74 database, 78 config.
#include <sysexits.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/directory_errors.hpp"
#include "cli/config_loader.hpp"
#include "common/sqlite.hpp"
#include "directory/apop_secrets.hpp"
#include "directory/directory.hpp"
#include "directory/password.hpp"

namespace postamt::cli {
namespace {

std::string read_secret_line() {
  std::string line;
  if (!std::getline(std::cin, line) && line.empty()) throw directory::DataError("no secret on standard input");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;  // set_apop_secret checks emptiness, length and characters
}

}  // namespace

// `args` are the words after `postamt user`, with or without the leading "apop-secret".
int user_apop_secret(const std::vector<std::string>& argv) {
  Args args(argv, {{"-c"}, {"--password-stdin", "--clear"}});
  std::vector<std::string> pos = args.positional();
  if (!pos.empty() && pos[0] == "apop-secret") pos.erase(pos.begin());
  if (pos.size() != 1) throw UsageError("user apop-secret takes exactly one address");
  if (args.flag("--password-stdin") && args.flag("--clear"))
    throw UsageError("--password-stdin and --clear exclude each other");
  auto cfg = load_config_or_report(args.required("-c"), "user");
  if (!cfg) return EX_CONFIG;
  return run_reporting_directory_errors("user apop-secret", [&] {
    auto dir = directory::Directory::open(cfg->data_dir);
    auto user = dir.find_user(pos[0]);
    if (!user) return report_failure("user apop-secret", EX_NOUSER, "no such user: " + pos[0]);
    if (args.flag("--clear")) {
      bool had = directory::clear_apop_secret(dir.database(), user->id);
      std::printf(had ? "APOP secret cleared for %s\n" : "%s had no APOP secret\n", user->address.c_str());
      return EX_OK;
    }
    bool generated = !args.flag("--password-stdin");
    std::string secret = generated ? directory::generate_password() : read_secret_line();
    directory::set_apop_secret(dir.database(), user->id, secret);
    std::printf("APOP secret set for %s\n", user->address.c_str());
    if (generated) std::printf("secret: %s (shown once)\n", secret.c_str());
    return EX_OK;
  });
}

}  // namespace postamt::cli
