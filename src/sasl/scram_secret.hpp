// SCRAM-SHA-256 stored secrets (RFC 5802 §3, RFC 7677): derivation from a password when it is set,
// and the storage format shared with Dovecot's SCRAM-SHA-256 password scheme:
//   {SCRAM-SHA-256}<iterations>,<base64 salt>,<base64 StoredKey>,<base64 ServerKey>
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sasl/mechanism.hpp"

namespace postamt::sasl {

inline constexpr std::string_view kScramSha256Scheme = "{SCRAM-SHA-256}";
inline constexpr std::uint32_t kScramDefaultIterations = 4096;  // RFC 7677 §4: at least 4096
inline constexpr std::size_t kScramSaltSize = 16;

// SaltedPassword = Hi(password, salt, i); StoredKey = H(HMAC(SaltedPassword, "Client Key"));
// ServerKey = HMAC(SaltedPassword, "Server Key"). The password is used as given (no SASLprep).
// Throws std::invalid_argument when iterations is 0 or above INT_MAX.
ScramCredentials derive_scram_sha256(std::string_view password, std::string_view salt,
                                     std::uint32_t iterations = kScramDefaultIterations);
// The same with a fresh random 16-byte salt: what the directory stores when a password is set.
ScramCredentials generate_scram_sha256(std::string_view password, std::uint32_t iterations = kScramDefaultIterations);

// "{SCRAM-SHA-256}4096,<salt>,<stored>,<server>" (Dovecot-compatible).
std::string scram_sha256_to_string(const ScramCredentials& credentials);
// Parses the format above (scheme name case-insensitive, the prefix is required). nullopt for any
// other input: wrong field count, bad base64, keys that are not 32 bytes, empty salt, iteration
// count not a positive decimal number below 2^31.
std::optional<ScramCredentials> parse_scram_sha256(std::string_view text);

}  // namespace postamt::sasl
