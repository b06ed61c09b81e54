// What a protocol session gets for one client connection, and the handler type protocols register.
#pragma once
#include <atomic>
#include <functional>

#include "common/config.hpp"
#include "common/log.hpp"
#include "net/asio.hpp"
#include "net/line_reader.hpp"
#include "net/tls_contexts.hpp"
#include "net/transport.hpp"

namespace postamt::net {

struct Connection {
  Transport& transport;
  LineReader& reader;
  log::ConnectionLog& log;
  const config::Listener& listener;
  TlsContexts& tls;
  const config::Config& config;
  const std::atomic<bool>& stopping;  // the server is draining (SIGTERM): finish up, say goodbye
  bool& awaiting_command;             // set by read_command_line while it waits (the server's strand)

  // The client's IP address ("192.0.2.7", "::1"), or "unix" on a unix-domain socket listener.
  std::string remote_address() const { return listener.path.empty() ? transport.remote_address() : "unix"; }
  // Whether STARTTLS can be offered (a certificate is configured and TLS is not yet active).
  bool can_start_tls() const { return !transport.is_tls() && tls.available(); }
  // STARTTLS after the positive reply was written (RFC 3207 §4.2, RFC 2595 §3.1, RFC 5804 §2.2):
  // discards plaintext the client pipelined after the command (CVE-2011-0411), then handshakes.
  // The session must then forget all state learned before TLS. Throws TlsError, Timeout, Closed.
  asio::awaitable<void> start_tls();
  // The client's next command line (LineReader::read_line). A stopping server does not wait for it:
  // at SIGTERM it interrupts this wait, and once stopping it is not begun: both throw Interrupted.
  // Only for the wait between commands; reads inside a command use `reader` directly.
  asio::awaitable<std::string> read_command_line();
};

using ProtocolHandler = std::function<asio::awaitable<void>(Connection&)>;

}  // namespace postamt::net
