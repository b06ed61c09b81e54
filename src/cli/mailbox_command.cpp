// postamt mailbox list USER -c FILE: a user's mailboxes with their counters, like
// `doveadm mailbox status`: name, messages, unseen, size, uidvalidity, uidnext, highestmodseq, special-use.
#include <sysexits.h>

#include <cstdio>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/config_loader.hpp"
#include "directory/directory.hpp"
#include "store/mail_store.hpp"
#include "store/sqlite_store.hpp"

namespace postamt::cli {

int cmd_mailbox(const Argv& argv) {
  Args args(argv, {{"-c"}, {}});
  const auto& pos = args.positional();
  if (pos.empty()) throw UsageError("expected a subcommand: list");
  if (pos[0] != "list") throw UsageError("unknown subcommand '" + pos[0] + "'");
  if (pos.size() != 2) throw UsageError("expected one user address");
  auto cfg = load_config_or_report(args.required("-c"), "mailbox");
  if (!cfg) return EX_CONFIG;
  auto user = directory::Directory::open(cfg->data_dir).find_user(pos[1]);
  if (!user) {
    std::fprintf(stderr, "postamt mailbox: no such user %s\n", pos[1].c_str());
    return EX_NOUSER;
  }
  auto store = store::open_sqlite_store(cfg->data_dir);
  for (const auto& m : store->list_mailboxes(user->id)) {
    std::printf("%s messages=%u unseen=%u size=%llu uidvalidity=%u uidnext=%u highestmodseq=%llu%s%s\n",
                m.name.c_str(), m.messages, m.unseen, static_cast<unsigned long long>(m.size), m.uidvalidity,
                m.uidnext, static_cast<unsigned long long>(m.highestmodseq), m.special_use.empty() ? "" : " ",
                m.special_use.c_str());
  }
  return EX_OK;
}

}  // namespace postamt::cli
