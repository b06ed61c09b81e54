// postamt domain add|del DOMAIN -c FILE, domain list -c FILE: the domains this server receives for.
// Exit codes (sysexits.h): 0, 64 usage, 65 invalid/unknown/existing domain or domain still in use, 78 config.
#include <sysexits.h>

#include <cstdio>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/directory_errors.hpp"
#include "cli/config_loader.hpp"
#include "common/sqlite.hpp"
#include "directory/address.hpp"
#include "directory/directory.hpp"

namespace postamt::cli {
namespace {

std::string one_domain(const Args& args, const std::string& sub) {
  if (args.positional().size() != 2) throw UsageError("domain " + sub + " takes exactly one domain");
  return args.positional()[1];
}

int run_domain(const std::string& sub, const Args& args, const config::Config& cfg) {
  if (sub == "list") {
    if (args.positional().size() != 1) throw UsageError("domain list takes no arguments");
    for (const auto& d : directory::Directory::open(cfg.data_dir).domains()) std::printf("%s\n", d.name.c_str());
    return EX_OK;
  }
  std::string name = one_domain(args, sub);
  auto dir = directory::Directory::open(cfg.data_dir);
  if (sub == "add") {
    dir.add_domain(name);
    std::printf("added %s\n", directory::normalize_domain(name).value_or(name).c_str());
    return EX_OK;
  }
  if (!dir.remove_domain(name)) return report_failure("domain", EX_DATAERR, "no such domain: " + name);
  std::printf("deleted %s\n", directory::normalize_domain(name).value_or(name).c_str());
  return EX_OK;
}

}  // namespace

int cmd_domain(const Argv& argv) {
  Args args(argv, {{"-c"}, {}});
  if (args.positional().empty()) throw UsageError("expected add, del or list");
  std::string sub = args.positional()[0];
  if (sub == "delete") sub = "del";
  if (sub != "add" && sub != "del" && sub != "list") {
    throw UsageError("unknown subcommand '" + sub + "' (expected add, del or list)");
  }
  auto cfg = load_config_or_report(args.required("-c"), "domain");
  if (!cfg) return EX_CONFIG;
  return run_reporting_directory_errors("domain", [&] {
    return run_domain(sub, args, *cfg);
  });
}

}  // namespace postamt::cli
