// postamt check-config -c FILE: loads and validates postamt.toml; prints `FILE: ok` (exit 0) or the
// one-line `file:line: message` error (exit 78, EX_CONFIG).
#include <sysexits.h>

#include <cstdio>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/config_loader.hpp"

namespace postamt::cli {

int cmd_check_config(const Argv& argv) {
  Args args(argv, {{"-c", "--config"}, {}});
  if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional()[0] + "'");
  auto path = args.get("-c");
  if (!path) path = args.get("--config");
  if (!path) throw UsageError("missing -c FILE");
  auto config = load_config_or_report(*path, "check-config");
  if (!config) return EX_CONFIG;
  std::printf("%s: ok\n", path->c_str());
  return 0;
}

}  // namespace postamt::cli
