// postamt fsck -c FILE [--repair]: checks that every index row has its message file with the right
// size and SHA-256, and every message file has its row; with --repair fixes what it can.
// Exit 0 when clean (or everything found was repaired), 65 (EX_DATAERR) when problems remain.
#include <sysexits.h>

#include <cstdio>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/config_loader.hpp"
#include "store/mail_store.hpp"
#include "store/sqlite_store.hpp"

namespace postamt::cli {

int cmd_fsck(const Argv& argv) {
  Args args(argv, {{"-c"}, {"--repair"}});
  if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional()[0] + "'");
  auto cfg = load_config_or_report(args.required("-c"), "fsck");
  if (!cfg) return EX_CONFIG;
  bool repair = args.flag("--repair");
  auto report = store::open_sqlite_store(cfg->data_dir)->fsck(repair);
  std::size_t remaining = 0;
  for (const auto& p : report.problems) {
    std::printf("account %lld: %s: %s%s\n", static_cast<long long>(p.account), p.kind.c_str(), p.detail.c_str(),
                p.repaired ? " (repaired)" : "");
    if (!p.repaired) ++remaining;
  }
  std::printf("fsck: %zu accounts, %zu messages, %zu files, %zu problems, %zu repaired\n", report.accounts,
              report.messages, report.files, report.problems.size(), report.problems.size() - remaining);
  if (remaining != 0 && !repair) std::printf("run `postamt fsck -c %s --repair` to fix them\n", args.required("-c").c_str());
  return remaining == 0 ? EX_OK : EX_DATAERR;
}

}  // namespace postamt::cli
