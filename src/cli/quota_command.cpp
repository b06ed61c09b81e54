// postamt quota get USER -c FILE | set USER -c FILE [--storage SIZE|none] [--messages N|none] |
// set USER -c FILE --default: a user's quota (RFC 9208 resources STORAGE and MESSAGE) from the CLI,
// the same as GETQUOTA / SETQUOTA through IMAP (docs/acl-quota.md).
#include <sysexits.h>

#include <cstdio>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/config_loader.hpp"
#include "common/config.hpp"
#include "directory/directory.hpp"
#include "store/mail_store.hpp"
#include "store/sqlite_store.hpp"

namespace postamt::cli {
namespace {

std::string limit_text(const std::optional<std::uint64_t>& limit) {
  return limit ? std::to_string(*limit) : std::string("unlimited");
}

// "none" = no limit; a size ("1G", bytes) for storage, a count for messages.
std::optional<std::uint64_t> parse_limit(const std::string& option, const std::string& text, bool size) {
  if (text == "none" || text == "unlimited") return std::nullopt;
  std::optional<std::uint64_t> v;
  if (size) {
    v = config::parse_size(text);
    if (v) v = (*v + 1023) / 1024;  // kept in 1024-octet units (RFC 9208 §5.1)
  } else if (!text.empty() && text.size() <= 15 && text.find_first_not_of("0123456789") == std::string::npos) {
    v = std::stoull(text);
  }
  if (!v) throw UsageError(option + " wants " + (size ? "a size such as 500M" : "a number") + " or none, not '" + text + "'");
  return v;
}

}  // namespace

int cmd_quota(const Argv& argv) {
  Args args(argv, {{"-c", "--storage", "--messages"}, {"--default"}});
  const auto& pos = args.positional();
  if (pos.empty()) throw UsageError("expected a subcommand: get or set");
  if (pos[0] != "get" && pos[0] != "set") throw UsageError("unknown subcommand '" + pos[0] + "'");
  if (pos.size() != 2) throw UsageError("expected one user address");
  const bool set = pos[0] == "set";
  if (!set && (args.get("--storage") || args.get("--messages") || args.flag("--default")))
    throw UsageError("--storage, --messages and --default are for quota set");
  if (set && !args.get("--storage") && !args.get("--messages") && !args.flag("--default"))
    throw UsageError("quota set needs --storage, --messages or --default");
  if (args.flag("--default") && (args.get("--storage") || args.get("--messages")))
    throw UsageError("--default cannot be combined with --storage or --messages");
  auto cfg = load_config_or_report(args.required("-c"), "quota");
  if (!cfg) return EX_CONFIG;
  auto user = directory::Directory::open(cfg->data_dir).find_user(pos[1]);
  if (!user) {
    std::fprintf(stderr, "postamt quota: no such user %s\n", pos[1].c_str());
    return EX_NOUSER;
  }
  auto store = store::open_sqlite_store(cfg->data_dir, store::store_options(*cfg));
  if (set) {
    std::optional<store::QuotaLimits> limits;
    if (!args.flag("--default")) {
      // Like SETQUOTA (RFC 9208 §4.1.3): what is not given keeps its current value here, for convenience.
      limits = store->quota(user->id).limits;
      if (auto s = args.get("--storage")) limits->storage_kib = parse_limit("--storage", *s, true);
      if (auto m = args.get("--messages")) limits->messages = parse_limit("--messages", *m, false);
    }
    store->set_quota(user->id, limits);
  }
  auto q = store->quota(user->id);
  std::printf("%s storage=%llu/%s KiB messages=%llu/%s limits=%s\n", user->address.c_str(),
              static_cast<unsigned long long>(q.usage.storage_kib()), limit_text(q.limits.storage_kib).c_str(),
              static_cast<unsigned long long>(q.usage.messages), limit_text(q.limits.messages).c_str(),
              q.custom ? "own" : "default");
  return EX_OK;
}

}  // namespace postamt::cli
