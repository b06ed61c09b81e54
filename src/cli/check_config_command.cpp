// postamt check-config: not yet implemented (placeholder until its module lands).
#include <sysexits.h>

#include <cstdio>

#include "cli/commands.hpp"

namespace postamt::cli {

int cmd_check_config(const Argv&) {
  std::fprintf(stderr, "postamt check-config: not implemented yet\n");
  return EX_SOFTWARE;
}

}  // namespace postamt::cli
