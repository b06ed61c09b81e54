// postamt serve -c FILE [--drain-seconds N]: binds every configured listener, prints one
// `listening <protocol> <address>:<port> tls=<none|starttls|implicit>` line per bound listener and then
// `ready` on stdout (the integration harness parses them), drops root, and serves until SIGTERM/SIGINT
// (drain, exit 0). SIGHUP reloads the TLS certificates. Exit 71 when a port cannot be bound.
#include <sysexits.h>

#include <cstdio>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/config_loader.hpp"
#include "common/log.hpp"
#include "imap/imap.hpp"
#include "net/errors.hpp"
#include "net/privileges.hpp"
#include "net/protocol_registry.hpp"
#include "net/server.hpp"
#include "net/transport.hpp"
#include "pop3/pop3.hpp"
#include "services/services.hpp"
#include "smtp/smtp.hpp"

namespace postamt::cli {
namespace {

// Each protocol module registers its session handler here as it lands (net/protocol_registry.hpp);
// listeners of protocols not registered are skipped with `event=listener_skipped`.
void register_builtin_protocols(services::Services& services) {
  pop3::register_protocol(services);
  imap::register_protocol(services);
  smtp::register_protocol(services);
}

}  // namespace

int cmd_serve(const Argv& argv) {
  Args args(argv, {{"-c", "--drain-seconds"}, {}});
  if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional()[0] + "'");
  net::ServerOptions options;
  options.handle_signals = true;
  if (auto drain = args.get("--drain-seconds")) {
    try {
      options.drain_timeout = std::chrono::seconds(std::stoul(*drain));
    } catch (const std::exception&) {
      throw UsageError("--drain-seconds must be a number of seconds");
    }
  }
  auto cfg = load_config_or_report(args.required("-c"), "serve");
  if (!cfg) return EX_CONFIG;
  log::Level level;
  if (log::parse_level(cfg->log_level, level)) log::set_level(level);

  try {
    services::Services services(*cfg);
    register_builtin_protocols(services);
    net::Server server(*cfg, options);
    server.bind_all();
    auto bound = server.bound();
    for (const auto& b : bound)
      std::printf("listening %s %s tls=%s\n", b.protocol.c_str(), net::endpoint_string(b.address, b.port).c_str(),
                  config::to_string(b.tls));
    net::drop_privileges(cfg->run_as_user);
    server.start();
    std::printf("ready\n");
    std::fflush(stdout);
    log::info("ready", {{"listeners", bound.size()}, {"config", cfg->file.string()}});
    server.run();
    return EX_OK;
  } catch (const net::BindError& e) {
    std::fprintf(stderr, "postamt serve: %s\n", e.what());
    return EX_OSERR;
  } catch (const net::TlsError& e) {
    std::fprintf(stderr, "postamt serve: %s\n", e.what());
    return EX_CONFIG;
  } catch (const net::PrivilegeError& e) {
    std::fprintf(stderr, "postamt serve: %s\n", e.what());
    return EX_OSERR;
  }
}

}  // namespace postamt::cli
