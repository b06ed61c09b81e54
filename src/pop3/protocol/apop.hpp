// APOP (RFC 1939 §7): the greeting's timestamp and the digest MD5(timestamp + shared secret) in hex.
#pragma once
#include <string>
#include <string_view>

namespace postamt::pop3::protocol {

// "<unique@host>" for the greeting; `unique` should hold a random part and the time (RFC 1939 §7).
std::string make_apop_timestamp(std::string_view unique, std::string_view host);
// A msg-id shaped timestamp: "<", printable ASCII without spaces or angle brackets containing "@", ">".
bool is_apop_timestamp(std::string_view timestamp);
// 32 lower-case hex digits of MD5(timestamp || secret) (OpenSSL EVP); empty if MD5 is unavailable.
std::string apop_digest(std::string_view timestamp, std::string_view secret);
// Constant-time comparison of a client digest (hex, either case) with the expected one.
bool apop_verify(std::string_view timestamp, std::string_view secret, std::string_view client_digest);

}  // namespace postamt::pop3::protocol
