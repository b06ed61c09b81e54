// TLS ClientHello recognition on plaintext ports (see tls_sniff.hpp).
#include "net/tls_sniff.hpp"

namespace postamt::net {

Sniff sniff_tls_client_hello(std::string_view b) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(b[i]); };
  if (b.empty()) return Sniff::NeedMore;
  if (byte(0) != 0x16) return Sniff::NotTls;  // ContentType handshake(22)
  if (b.size() < 2) return Sniff::NeedMore;
  if (byte(1) != 0x03) return Sniff::NotTls;  // ProtocolVersion major 3 (SSL 3.0 .. TLS 1.3)
  if (b.size() < 3) return Sniff::NeedMore;
  return byte(2) <= 0x04 ? Sniff::Tls : Sniff::NotTls;
}

}  // namespace postamt::net
