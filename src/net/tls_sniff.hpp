// Recognises a TLS ClientHello at the start of a plaintext connection (RFC 8446 §5.1: a handshake
// record, content type 22, legacy_record_version 0x03 0x0x), so a client using the wrong port gets logged.
#pragma once
#include <string_view>

namespace postamt::net {

enum class Sniff { NeedMore, Tls, NotTls };

// Looks at the first bytes a client sent: 0x16 0x03 0x00..0x04 is a TLS record carrying a handshake.
Sniff sniff_tls_client_hello(std::string_view first_bytes);

}  // namespace postamt::net
