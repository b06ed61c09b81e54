// The `postamt` command table and dispatcher: usage errors exit 64 (EX_USAGE) with a one-line reason.
#include <sysexits.h>

#include <cstdio>
#include <exception>
#include <iostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"

namespace postamt::cli {
namespace {
struct Command {
  const char* name;
  int (*fn)(const Argv&);
  const char* usage;
};

const Command kCommands[] = {
    {"init", cmd_init, "init DIR --hostname H [--domain D] [--port-offset N]   create a data directory"},
    {"serve", cmd_serve, "serve -c FILE                                         run every configured listener"},
    {"check-config", cmd_check_config, "check-config -c FILE                                  validate a config file"},
    {"domain", cmd_domain, "domain add|del|list -c FILE [DOMAIN]                 manage local domains"},
    {"user", cmd_user, "user add|del|list|passwd|apop-secret -c FILE [ADDR]  manage users"},
    {"alias", cmd_alias, "alias add|del|list -c FILE [ADDR [TARGET...]]        manage aliases"},
    {"deliver", cmd_deliver, "deliver -c FILE --to ADDR [--from A] [--mailbox M]   deliver stdin locally"},
    {"cert", cmd_cert, "cert ca|csr|issue|show ...                            certificate tooling"},
    {"mailbox", cmd_mailbox, "mailbox list USER -c FILE                             a user's mailboxes and counters"},
    {"quota", cmd_quota, "quota get|set USER -c FILE [--storage SIZE|none] [--messages N|none] [--default]  a user's quota"},
    {"acl", cmd_acl, "acl get USER MAILBOX | set USER MAILBOX ID RIGHTS | delete USER MAILBOX ID -c FILE  a mailbox's ACL"},
    {"metadata", cmd_metadata, "metadata get USER MAILBOX [ENTRY] | set USER MAILBOX ENTRY VALUE|--delete -c FILE  METADATA entries (\"\" = server)"},
    {"probe", cmd_probe, "probe HOST [--ports LIST] [--timeout S] [--cafile F]   check a mail server's ports and TLS"},
    {"dkim", cmd_dkim, "dkim keygen DOMAIN -c FILE | sign | verify              DKIM keys, signing, checking"},
    {"queue", cmd_queue, "queue list|show|flush|delete|hold|release -c FILE [ID] the outbound queue"},
    {"sieve", cmd_sieve, "sieve put|get|list|activate|deactivate|delete|rename --user ADDR -c FILE [NAME] | test SCRIPT MESSAGE  Sieve scripts"},
    {"fsck", cmd_fsck, "fsck -c FILE [--repair]                               check message store"},
};

void print_usage(std::FILE* out) {
  std::fprintf(out, "usage: postamt COMMAND [ARGS]\n\ncommands:\n");
  for (const auto& c : kCommands) std::fprintf(out, "  postamt %s\n", c.usage);
}
}  // namespace

int run(int argc, char** argv) {
  if (argc < 2) {
    print_usage(stderr);
    return EX_USAGE;
  }
  std::string name = argv[1];
  if (name == "help" || name == "--help" || name == "-h") {
    print_usage(stdout);
    return 0;
  }
  if (name == "version" || name == "--version") {
    std::printf("postamt 0.1.0\n");
    return 0;
  }
  Argv rest(argv + 2, argv + argc);
  for (const auto& c : kCommands) {
    if (name != c.name) continue;
    try {
      return c.fn(rest);
    } catch (const UsageError& e) {
      std::fprintf(stderr, "postamt %s: %s\nusage: postamt %s\n", c.name, e.what(), c.usage);
      return EX_USAGE;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "postamt %s: %s\n", c.name, e.what());
      return EX_SOFTWARE;
    }
  }
  std::fprintf(stderr, "postamt: unknown command '%s'\n", name.c_str());
  print_usage(stderr);
  return EX_USAGE;
}

}  // namespace postamt::cli
