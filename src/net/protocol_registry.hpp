// The protocols this build serves: each protocol module registers its session handler at startup;
// listeners for protocols without a handler are skipped (logged) by the Server.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "net/connection.hpp"

namespace postamt::net {

struct ProtocolEntry {
  ProtocolHandler handler;
  // Sent (best effort) before closing a connection refused for connection limits on a non-implicit-TLS
  // port, e.g. "421 4.7.0 Too many connections, try later\r\n". Empty: just close.
  std::string busy_reply;
  // Sent (best effort) when a stopping server ends a session that was waiting for its next command
  // (net::Interrupted), e.g. "* BYE Server shutting down\r\n". Empty: just close.
  std::string shutdown_reply;
};

// Registers (or replaces) the handler for a listener protocol name ("smtp", "imap", ...).
void register_protocol(std::string name, ProtocolHandler handler, std::string busy_reply = {},
                       std::string shutdown_reply = {});
void unregister_protocol(std::string_view name);
bool protocol_available(std::string_view name);
std::optional<ProtocolEntry> find_protocol(std::string_view name);

}  // namespace postamt::net
