// postamt sieve put|get|list|activate|deactivate|delete|rename --user ADDR -c FILE [NAME [NEW]]:
// a user's Sieve scripts (RFC 5804 model: named scripts, at most one active), stored in the account index.
#include <sysexits.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/config_loader.hpp"
#include "cli/sieve_check.hpp"
#include "directory/directory.hpp"
#include "store/sieve_scripts.hpp"

namespace postamt::cli {
namespace {

// Reads a script from stdin; false when it exceeds the store's limit.
bool read_script(std::string& out) {
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0) throw std::runtime_error("reading stdin failed");
    if (n == 0) return true;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > store::SieveScripts::kMaxScriptSize) return false;
  }
}

std::size_t expected_names(const std::string& sub) {
  if (sub == "list" || sub == "deactivate") return 0;
  if (sub == "rename") return 2;
  if (sub == "put" || sub == "get" || sub == "activate" || sub == "delete") return 1;
  throw UsageError("unknown subcommand '" + sub + "' (put, get, list, activate, deactivate, delete, rename)");
}

}  // namespace

int cmd_sieve(const Argv& argv) {
  if (!argv.empty() && argv[0] == "test") return sieve_test(argv);  // needs no config or user
  Args args(argv, {{"-c", "--user"}, {}});
  const auto& pos = args.positional();
  if (pos.empty()) throw UsageError("expected a subcommand: put, get, list, activate, deactivate, delete, rename");
  const std::string& sub = pos[0];
  if (pos.size() != 1 + expected_names(sub)) throw UsageError("wrong number of script names for '" + sub + "'");
  auto cfg = load_config_or_report(args.required("-c"), "sieve");
  if (!cfg) return EX_CONFIG;
  auto address = args.required("--user");
  auto user = directory::Directory::open(cfg->data_dir).find_user(address);
  if (!user) {
    std::fprintf(stderr, "postamt sieve: no such user %s\n", address.c_str());
    return EX_NOUSER;
  }
  try {
    store::SieveScripts scripts(cfg->data_dir, user->id);
    if (sub == "list") {
      for (const auto& s : scripts.list())
        std::printf("%s%s size=%llu\n", s.name.c_str(), s.active ? " ACTIVE" : "",
                    static_cast<unsigned long long>(s.size));
    } else if (sub == "get") {
      auto source = scripts.get(pos[1]);
      if (!source) {
        std::fprintf(stderr, "postamt sieve: no such script '%s'\n", pos[1].c_str());
        return EX_NOINPUT;
      }
      std::fwrite(source->data(), 1, source->size(), stdout);
    } else if (sub == "put") {
      std::string source;
      if (!read_script(source)) {
        std::fprintf(stderr, "postamt sieve: script exceeds %zu octets\n", store::SieveScripts::kMaxScriptSize);
        return EX_DATAERR;
      }
      if (auto errors = sieve_script_errors(source)) {
        std::fputs(errors->c_str(), stderr);
        return EX_DATAERR;
      }
      scripts.put(pos[1], source);
    } else if (sub == "activate") {
      scripts.activate(pos[1]);
    } else if (sub == "deactivate") {
      scripts.deactivate();
    } else if (sub == "delete") {
      scripts.remove(pos[1]);
    } else if (sub == "rename") {
      scripts.rename(pos[1], pos[2]);
    }
  } catch (const store::Error& e) {
    std::fprintf(stderr, "postamt sieve: %s\n", e.what());
    return EX_DATAERR;
  }
  return EX_OK;
}

}  // namespace postamt::cli
