// STARTTLS for protocol sessions (see connection.hpp).
#include "net/connection.hpp"

#include "net/errors.hpp"

namespace postamt::net {

asio::awaitable<void> Connection::start_tls() {
  std::size_t dropped = reader.discard_buffered();
  if (dropped != 0) log.warn("starttls_pipelined_discarded", {{"bytes", dropped}});
  co_await transport.start_tls(tls);
  log.info("tls", {{"version", transport.tls_version()}, {"cipher", transport.tls_cipher()}, {"sni", transport.sni()}});
}

asio::awaitable<std::string> Connection::read_command_line() {
  if (stopping.load()) throw Interrupted();
  awaiting_command = true;
  struct Reset {
    bool& flag;
    ~Reset() { flag = false; }
  } reset{awaiting_command};
  co_return co_await reader.read_line();
}

}  // namespace postamt::net
