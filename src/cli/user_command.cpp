// postamt user add|del|passwd ADDR -c FILE [--password-stdin], user list -c FILE [DOMAIN]: users of
// the built-in directory; each user owns one store account (cli/account_hooks.hpp).
// Exit codes (sysexits.h): 0, 64 usage, 65 bad address/unknown domain, 67 no such user, 78 config.
#include <sysexits.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "cli/account_hooks.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/directory_errors.hpp"
#include "cli/config_loader.hpp"
#include "common/sqlite.hpp"
#include "directory/directory.hpp"
#include "directory/password.hpp"
#include "sasl/scram_secret.hpp"

namespace postamt::cli {
namespace {

constexpr std::size_t kMaxPasswordLine = 4096;

// One line from stdin, without its line ending. The password is never echoed or logged.
std::string read_password_line() {
  std::string line;
  if (!std::getline(std::cin, line) && line.empty()) throw directory::DataError("no password on standard input");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) throw directory::DataError("empty password on standard input");
  if (line.size() > kMaxPasswordLine) throw directory::DataError("password longer than 4096 bytes");
  return line;
}

// The password to set: from stdin with --password-stdin, otherwise generated (and printed once).
std::string obtain_password(const Args& args, bool& generated) {
  generated = !args.flag("--password-stdin");
  return generated ? directory::generate_password() : read_password_line();
}

std::string one_address(const Args& args, const char* sub) {
  const auto& pos = args.positional();
  if (pos.size() != 2) throw UsageError(std::string("user ") + sub + " takes exactly one address");
  return pos[1];
}

// SCRAM-SHA-256 (RFC 7677) needs a secret derived from the plaintext, so it is made whenever the
// plaintext is at hand: user add and passwd.
void store_scram_secret(directory::Directory& dir, const std::string& address, const std::string& password) {
  dir.set_scram_secret(address, sasl::scram_sha256_to_string(sasl::generate_scram_sha256(password)));
}

int user_add(const Args& args, const config::Config& cfg) {
  std::string address = one_address(args, "add");
  auto dir = directory::Directory::open(cfg.data_dir);
  bool generated = false;
  std::string password = obtain_password(args, generated);
  auto user = dir.add_user(address, directory::hash_password(password));
  try {
    store_scram_secret(dir, user.address, password);
    on_user_created(cfg.data_dir, user.id);
  } catch (...) {
    dir.remove_user(user.address);  // nothing half-made: no user without a mailbox
    throw;
  }
  std::printf("added %s\n", user.address.c_str());
  if (generated) std::printf("password: %s (shown once)\n", password.c_str());
  return EX_OK;
}

int user_del(const Args& args, const config::Config& cfg) {
  std::string address = one_address(args, "del");
  auto dir = directory::Directory::open(cfg.data_dir);
  auto user = dir.find_user(address);
  if (!user || !dir.remove_user(user->address)) return report_failure("user", EX_NOUSER, "no such user: " + address);
  on_user_deleted(cfg.data_dir, user->id);
  std::printf("deleted %s\n", user->address.c_str());
  return EX_OK;
}

int user_passwd(const Args& args, const config::Config& cfg) {
  std::string address = one_address(args, "passwd");
  auto dir = directory::Directory::open(cfg.data_dir);
  auto user = dir.find_user(address);
  if (!user) return report_failure("user", EX_NOUSER, "no such user: " + address);
  bool generated = false;
  std::string password = obtain_password(args, generated);
  dir.set_password(user->address, directory::hash_password(password));
  store_scram_secret(dir, user->address, password);
  std::printf("password changed for %s\n", user->address.c_str());
  if (generated) std::printf("password: %s (shown once)\n", password.c_str());
  return EX_OK;
}

int user_list(const Args& args, const config::Config& cfg) {
  const auto& pos = args.positional();
  if (pos.size() > 2) throw UsageError("user list takes at most one domain");
  auto dir = directory::Directory::open(cfg.data_dir);
  std::string domain = pos.size() == 2 ? pos[1] : "";
  if (!domain.empty() && !dir.is_local_domain(domain)) return report_failure("user", EX_DATAERR, "unknown domain " + domain);
  for (const auto& u : dir.users(domain)) std::printf("%s\n", u.address.c_str());
  return EX_OK;
}

}  // namespace

int cmd_user(const Argv& argv) {
  if (!argv.empty() && argv[0] == "apop-secret") return user_apop_secret(argv);
  Args args(argv, {{"-c"}, {"--password-stdin"}});
  if (args.positional().empty()) throw UsageError("expected add, del, passwd, list or apop-secret");
  const std::string sub = args.positional()[0];
  int (*fn)(const Args&, const config::Config&) = nullptr;
  if (sub == "add") fn = user_add;
  else if (sub == "del" || sub == "delete") fn = user_del;
  else if (sub == "passwd") fn = user_passwd;
  else if (sub == "list") fn = user_list;
  else throw UsageError("unknown subcommand '" + sub + "' (expected add, del, passwd or list)");
  if (sub != "add" && sub != "passwd" && args.flag("--password-stdin")) {
    throw UsageError("--password-stdin only applies to user add and user passwd");
  }
  auto cfg = load_config_or_report(args.required("-c"), "user");
  if (!cfg) return EX_CONFIG;
  return run_reporting_directory_errors("user", [&] { return fn(args, *cfg); });
}

}  // namespace postamt::cli
