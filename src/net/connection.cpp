// STARTTLS for protocol sessions (see connection.hpp).
#include "net/connection.hpp"

namespace postamt::net {

asio::awaitable<void> Connection::start_tls() {
  std::size_t dropped = reader.discard_buffered();
  if (dropped != 0) log.warn("starttls_pipelined_discarded", {{"bytes", dropped}});
  co_await transport.start_tls(tls);
  log.info("tls", {{"version", transport.tls_version()}, {"cipher", transport.tls_cipher()}, {"sni", transport.sni()}});
}

}  // namespace postamt::net
