// Registration of the ManageSieve session handler with the net layer's protocol registry.
#include "managesieve/managesieve.hpp"

#include "managesieve/commands.hpp"
#include "managesieve/session.hpp"
#include "net/protocol_registry.hpp"
#include "services/services.hpp"

namespace postamt::managesieve {
namespace {

ScriptLimits limits_from(const config::Config& c) {
  ScriptLimits l;
  l.max_scripts = c.managesieve.max_scripts;
  l.max_script_size = c.managesieve.max_script_size;
  return l;
}

// A named coroutine (not a capturing lambda coroutine: GCC 12 miscompiles those).
asio::awaitable<void> serve(net::Connection& conn, services::Services& services) {
  Session session(conn, services, limits_from(conn.config));
  co_await session.run();
}

}  // namespace

void register_protocol(services::Services& services) {
  net::register_protocol(
      "managesieve", [&services](net::Connection& conn) { return serve(conn, services); },
      // RFC 5804 §1.3 TRYLATER: a temporary condition.
      "BYE (TRYLATER) \"Too many connections, try later\"\r\n",
      // RFC 5804 §1.3: BYE ends the connection; TRYLATER, the condition is temporary.
      "BYE (TRYLATER) \"Server shutting down, try again later\"\r\n");
}

}  // namespace postamt::managesieve
