// postamt: the one binary. main() hands argv to the command dispatcher (cli/dispatch.cpp).
// A peer closing a socket must never kill the process: SIGPIPE is ignored (writes report EPIPE instead).
#include <csignal>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  return postamt::cli::run(argc, argv);
}
