// postamt deliver: not yet implemented (placeholder until its module lands).
#include <sysexits.h>

#include <cstdio>

#include "cli/commands.hpp"

namespace postamt::cli {

int cmd_deliver(const Argv&) {
  std::fprintf(stderr, "postamt deliver: not implemented yet\n");
  return EX_SOFTWARE;
}

}  // namespace postamt::cli
