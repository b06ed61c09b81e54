// postamt alias: not yet implemented (placeholder until its module lands).
#include <sysexits.h>

#include <cstdio>

#include "cli/commands.hpp"

namespace postamt::cli {

int cmd_alias(const Argv&) {
  std::fprintf(stderr, "postamt alias: not implemented yet\n");
  return EX_SOFTWARE;
}

}  // namespace postamt::cli
