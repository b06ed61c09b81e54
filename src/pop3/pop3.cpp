// Registration of the POP3 session handler with the net layer's protocol registry.
#include "pop3/pop3.hpp"

#include "net/protocol_registry.hpp"
#include "pop3/commands.hpp"
#include "pop3/session.hpp"

namespace postamt::pop3 {

void register_protocol(services::Services& services) {
  net::register_protocol(
      "pop3",
      [&services](net::Connection& conn) -> asio::awaitable<void> {
        Session session(conn, services);
        co_await session.run();
      },
      // RFC 2449 §8.1.2 SYS/TEMP: a temporary problem, try again later.
      "-ERR [SYS/TEMP] Too many connections, try later\r\n");
}

}  // namespace postamt::pop3
