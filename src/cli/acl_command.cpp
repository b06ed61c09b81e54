// postamt acl get USER MAILBOX -c FILE | set USER MAILBOX IDENTIFIER RIGHTS -c FILE |
// delete USER MAILBOX IDENTIFIER -c FILE: a mailbox's access control list (RFC 4314) from the CLI,
// the same as GETACL / SETACL / DELETEACL through IMAP (docs/acl-quota.md). USER "Shared Folders"
// means the public folders.
#include <sysexits.h>

#include <cstdio>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/config_loader.hpp"
#include "common/strings.hpp"
#include "directory/directory.hpp"
#include "store/mail_store.hpp"
#include "store/mailbox_names.hpp"
#include "store/sqlite_store.hpp"

namespace postamt::cli {

int cmd_acl(const Argv& argv) {
  Args args(argv, {{"-c"}, {}});
  const auto& pos = args.positional();
  if (pos.empty()) throw UsageError("expected a subcommand: get, set or delete");
  const std::string& sub = pos[0];
  const std::size_t want = sub == "get" ? 3 : sub == "set" ? 5 : sub == "delete" ? 4 : 0;
  if (!want) throw UsageError("unknown subcommand '" + sub + "'");
  if (pos.size() != want)
    throw UsageError(sub == "get"   ? "usage: acl get USER MAILBOX"
                     : sub == "set" ? "usage: acl set USER MAILBOX IDENTIFIER RIGHTS"
                                    : "usage: acl delete USER MAILBOX IDENTIFIER");
  std::optional<store::acl::RightsChange> change;
  if (sub == "set") {
    // RFC 4314 §3.1: +/- modify, otherwise replace; an unknown right is an error.
    change = store::acl::parse_change(pos[4]);
    if (!change) throw UsageError("unknown right in '" + pos[4] + "' (rights are lrswipkxtea, c and d)");
  }
  auto cfg = load_config_or_report(args.required("-c"), "acl");
  if (!cfg) return EX_CONFIG;
  auto dir = directory::Directory::open(cfg->data_dir);
  // USER "Shared Folders" names the public folders (no owner; docs/acl-quota.md).
  std::optional<directory::User> owner;
  if (pos[1] == store::kSharedFoldersNamespace) {
    owner.emplace();
    owner->id = store::kPublicAccount;
  } else {
    owner = dir.find_user(pos[1]);
  }
  if (!owner) {
    std::fprintf(stderr, "postamt acl: no such user %s\n", pos[1].c_str());
    return EX_NOUSER;
  }
  std::string identifier;
  if (sub != "get") {
    // "-" before an identifier names its negative entry (RFC 4314 §2).
    const bool negative = !pos[3].empty() && pos[3].front() == '-';
    const std::string name = negative ? pos[3].substr(1) : pos[3];
    if (str::iequals(name, store::kAnyone)) {
      identifier = std::string(store::kAnyone);
    } else {
      auto who = dir.find_user(name);
      if (!who) {
        std::fprintf(stderr, "postamt acl: no such user %s (identifiers are user addresses or anyone)\n", name.c_str());
        return EX_NOUSER;
      }
      identifier = who->address;
    }
    if (negative) {
      if (identifier == owner->address) {
        std::fprintf(stderr, "postamt acl: restrict the owner with the owner's own entry, not a negative one\n");
        return EX_USAGE;
      }
      identifier.insert(0, "-");
    }
  }
  auto store = store::open_sqlite_store(cfg->data_dir);
  try {
    if (sub != "get")
      store::acl::change(*store, owner->id, pos[2], identifier, !owner->address.empty() && identifier == owner->address,
                         change);
    for (const auto& e : store::acl::shown(*store, owner->id, pos[2], owner->address))
      std::printf("%s %s\n", e.identifier.c_str(), store::acl::with_virtual(e.rights).c_str());
  } catch (const store::NoSuchMailbox&) {
    std::fprintf(stderr, "postamt acl: %s has no mailbox %s\n", pos[1].c_str(), pos[2].c_str());
    return EX_DATAERR;
  } catch (const store::NoSuchAccount&) {
    std::fprintf(stderr, "postamt acl: there are no public folders yet (an admin creates them over IMAP)\n");
    return EX_DATAERR;
  }
  return EX_OK;
}

}  // namespace postamt::cli
