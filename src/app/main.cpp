// postamt: the one binary. main() hands argv to the command dispatcher (cli/dispatch.cpp).
#include "cli/commands.hpp"

int main(int argc, char** argv) { return postamt::cli::run(argc, argv); }
