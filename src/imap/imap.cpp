// Registration of the IMAP session handler with the net layer's protocol registry.
#include "imap/imap.hpp"

#include "imap/session.hpp"
#include "net/protocol_registry.hpp"

namespace postamt::imap {

void register_protocol(services::Services& services) {
  net::register_protocol(
      "imap",
      [&services](net::Connection& conn) -> asio::awaitable<void> {
        Session session(conn, services);
        co_await session.run();
      },
      // RFC 9051 §7.1.5: BYE at connection time when the server refuses the connection.
      "* BYE [UNAVAILABLE] Too many connections, try later\r\n",
      // RFC 9051 §7.1.5: BYE before the server closes the connection.
      "* BYE [UNAVAILABLE] Server shutting down, try again later\r\n");
}

}  // namespace postamt::imap
