// Registration of the SMTP, submission and LMTP session handlers with the net layer's protocol registry.
#include "smtp/smtp.hpp"

#include "net/protocol_registry.hpp"
#include "services/services.hpp"
#include "smtp/commands.hpp"
#include "smtp/session.hpp"

namespace postamt::smtp {
namespace {

void register_one(services::Services& services, const char* name, Mode mode) {
  net::register_protocol(
      name,
      [&services, mode](net::Connection& conn) -> asio::awaitable<void> {
        Session session(conn, services, mode);
        co_await session.run();
      },
      // RFC 5321 §3.1: a server that cannot serve now answers 421 instead of its greeting.
      "421 4.7.0 Too many connections, try later\r\n",
      // RFC 5321 §3.8: 421 may end a session at any time when the service shuts down.
      "421 4.3.2 " + services.config().hostname + " Service shutting down, try again later\r\n");
}

}  // namespace

void register_protocol(services::Services& services) {
  register_one(services, "smtp", Mode::Mx);
  register_one(services, "submission", Mode::Submission);
  register_one(services, "lmtp", Mode::Lmtp);
}

}  // namespace postamt::smtp
