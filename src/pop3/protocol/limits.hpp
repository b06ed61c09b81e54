// Named limits of the POP3 protocol layer (RFC 2449 §4, RFC 1939 §3, RFC 5034 §4).
#pragma once
#include <cstddef>
#include <cstdint>

namespace postamt::pop3::protocol {

// RFC 2449 §4: a command line is at most 255 octets including CRLF; RFC 5034 §4 keeps AUTH with its
// initial response under the same limit.
inline constexpr std::size_t kMaxCommandLine = 255;
// RFC 2449 §4: the first line of a response (and a capability line) is at most 512 octets with CRLF.
inline constexpr std::size_t kMaxResponseLine = 512;
// SASL responses after "+ " are not commands; RFC 5034 sets no limit, we allow what RFC 4954 does.
inline constexpr std::size_t kMaxAuthResponseLine = 12288;
// Message numbers (RFC 1939 §5) are 1..kMaxMessageNumber; TOP line counts 0..kMaxMessageNumber.
inline constexpr std::uint32_t kMaxMessageNumber = 2147483647u;  // 2^31 - 1
// SASL mechanism names (RFC 4422 §3.1): 1 to 20 characters.
inline constexpr std::size_t kMaxMechanismName = 20;

}  // namespace postamt::pop3::protocol
