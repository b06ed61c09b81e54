// The `postamt` subcommands: one function per command, one file per command (cli/<name>_command.cpp).
// Each takes the arguments after the command name and returns the process exit code (sysexits.h).
#pragma once
#include <string>
#include <vector>

namespace postamt::cli {

using Argv = std::vector<std::string>;

int cmd_init(const Argv& args);
int cmd_serve(const Argv& args);
int cmd_check_config(const Argv& args);
int cmd_domain(const Argv& args);
int cmd_user(const Argv& args);
int cmd_alias(const Argv& args);
int cmd_deliver(const Argv& args);
int cmd_cert(const Argv& args);
int cmd_fsck(const Argv& args);
int cmd_mailbox(const Argv& args);
int cmd_quota(const Argv& args);
int cmd_acl(const Argv& args);
int cmd_metadata(const Argv& args);
int cmd_queue(const Argv& args);
int cmd_probe(const Argv& args);
int cmd_dkim(const Argv& args);
int cmd_sieve(const Argv& args);
// `postamt user apop-secret ADDR -c FILE [--password-stdin | --clear]` (POP3 APOP, RFC 1939 §7).
int user_apop_secret(const Argv& args);

// Entry point used by app/main.cpp: dispatches argv[1] to the command table.
int run(int argc, char** argv);

}  // namespace postamt::cli
