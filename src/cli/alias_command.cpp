// postamt alias add SOURCE TARGET... -c FILE, alias del SOURCE -c FILE, alias list -c FILE: aliases
// ("a@d" or catch-all "@d") to local users or remote addresses.
// Exit codes (sysexits.h): 0, 64 usage, 65 invalid address/unknown domain, 67 no such alias, 78 config.
#include <sysexits.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/directory_errors.hpp"
#include "cli/config_loader.hpp"
#include "common/sqlite.hpp"
#include "directory/directory.hpp"

namespace postamt::cli {
namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

int run_alias(const std::string& sub, const Args& args, const config::Config& cfg) {
  const auto& pos = args.positional();
  if (sub == "list") {
    if (pos.size() != 1) throw UsageError("alias list takes no arguments");
    for (const auto& a : directory::Directory::open(cfg.data_dir).aliases()) {
      std::printf("%s -> %s\n", a.source.c_str(), joined(a.targets).c_str());
    }
    return EX_OK;
  }
  if (sub == "add") {
    if (pos.size() < 3) throw UsageError("alias add takes a source and at least one target");
    std::vector<std::string> targets(pos.begin() + 2, pos.end());
    auto dir = directory::Directory::open(cfg.data_dir);
    dir.add_alias(pos[1], targets);
    auto alias = dir.find_alias(pos[1]);
    std::printf("added %s -> %s\n", alias ? alias->source.c_str() : pos[1].c_str(),
                alias ? joined(alias->targets).c_str() : joined(targets).c_str());
    return EX_OK;
  }
  if (pos.size() != 2) throw UsageError("alias del takes exactly one source");
  if (!directory::Directory::open(cfg.data_dir).remove_alias(pos[1])) {
    return report_failure("alias", EX_NOUSER, "no such alias: " + pos[1]);
  }
  std::printf("deleted %s\n", pos[1].c_str());
  return EX_OK;
}

}  // namespace

int cmd_alias(const Argv& argv) {
  Args args(argv, {{"-c"}, {}});
  if (args.positional().empty()) throw UsageError("expected add, del or list");
  std::string sub = args.positional()[0];
  if (sub == "delete") sub = "del";
  if (sub != "add" && sub != "del" && sub != "list") {
    throw UsageError("unknown subcommand '" + sub + "' (expected add, del or list)");
  }
  auto cfg = load_config_or_report(args.required("-c"), "alias");
  if (!cfg) return EX_CONFIG;
  return run_reporting_directory_errors("alias", [&] {
    return run_alias(sub, args, *cfg);
  });
}

}  // namespace postamt::cli
