// postamt serve -c FILE [--drain-seconds N]: binds every configured listener, prints one
// `listening <protocol> <address>:<port> tls=<none|starttls|implicit>` line per bound listener and then
// `ready` on stdout (the integration harness parses them), drops root, and serves until SIGTERM/SIGINT
// (drain, exit 0). SIGHUP reloads the TLS certificates. Exit 71 when a port cannot be bound.
#include <sysexits.h>

#include <cstdio>
#include <memory>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/config_loader.hpp"
#include "common/log.hpp"
#include "dns/ares_resolver.hpp"
#include "imap/imap.hpp"
#include "managesieve/managesieve.hpp"
#include "net/errors.hpp"
#include "net/privileges.hpp"
#include "net/protocol_registry.hpp"
#include "net/server.hpp"
#include "net/transport.hpp"
#include "pop3/pop3.hpp"
#include "queue/runner.hpp"
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
  managesieve::register_protocol(services);
}

// The outbound queue (DATA/queue) and its delivery workers (docs/queue.md); stopped before services go.
struct Outbound {
  std::unique_ptr<queue::QueueStore> store;
  std::unique_ptr<queue::Runner> runner;
  ~Outbound() {
    queue::set_shared(nullptr, nullptr);
    if (runner) runner->stop();
  }
};

std::unique_ptr<Outbound> start_queue(const config::Config& cfg, services::Services& services) {
  auto out = std::make_unique<Outbound>();
  out->store = std::make_unique<queue::QueueStore>(cfg.data_dir / "queue");
  dns::ResolverOptions ro;
  ro.servers = cfg.queue.resolvers;
  ro.timeout = std::chrono::milliseconds(cfg.queue.dns_timeout_ms);
  queue::RunnerHooks hooks;
  hooks.is_local_domain = [&services](const std::string& domain) {
    return services.with_directory([&](directory::Directory& d) { return d.is_local_domain(domain); });
  };
  hooks.deliver_local = [&services](const std::string& sender, const std::vector<std::string>& rcpts,
                                    std::string_view raw) {
    delivery::Request request;
    request.envelope_from = sender;
    request.recipients = rcpts;
    std::vector<queue::LocalOutcome> outcomes;
    for (const auto& r : services.deliver(request, raw).recipients) {
      using K = queue::LocalOutcome::Kind;
      K kind = r.status == delivery::Status::Delivered     ? K::Delivered
               : r.status == delivery::Status::TempFailure || r.status == delivery::Status::OverQuota ? K::Temporary
                                                           : K::Permanent;
      std::string code = kind == K::Delivered                     ? "250 2.0.0 "
                         : kind == K::Temporary                     ? "451 4.3.0 "
                         : r.status == delivery::Status::Rejected ? "550 5.7.1 "  // Sieve reject: bounced (RFC 5429)
                                                                    : "550 5.1.1 ";
      outcomes.push_back({r.recipient, kind, code + delivery::to_string(r.status) + (r.reason.empty() ? "" : ": " + r.reason)});
    }
    return outcomes;
  };
  out->runner = std::make_unique<queue::Runner>(*out->store, cfg.queue, cfg.hostname,
                                                std::make_shared<dns::AresResolver>(ro), std::move(hooks));
  queue::set_shared(out->store.get(), out->runner.get());
  out->runner->start();
  return out;
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
    auto outbound = start_queue(*cfg, services);  // before the listeners: SMTP sessions queue into it
    register_builtin_protocols(services);
    net::Server server(*cfg, options);
    server.bind_all();
    auto bound = server.bound();
    for (const auto& b : bound)
      std::printf("listening %s %s tls=%s\n", b.protocol.c_str(),
                  b.path.empty() ? net::endpoint_string(b.address, b.port).c_str() : b.path.c_str(),
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
