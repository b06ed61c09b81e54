// Hash primitives for SCRAM-SHA-256 (RFC 5802 §2.2 HMAC/H/Hi with SHA-256, RFC 7677) over OpenSSL 3.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace postamt::sasl::crypto {

inline constexpr std::size_t kSha256Size = 32;

std::string sha256(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);
// Hi(str, salt, i) of RFC 5802 §2.2 = PBKDF2-HMAC-SHA-256 with one output block. iterations >= 1.
std::string pbkdf2_sha256(std::string_view password, std::string_view salt, std::uint32_t iterations);
// CSPRNG bytes (RAND_bytes); throws std::runtime_error if the generator fails.
std::string random_bytes(std::size_t n);
// Constant-time comparison for secrets of equal length (different lengths compare unequal).
bool constant_time_equal(std::string_view a, std::string_view b);
// Overwrites a buffer holding secret material.
void cleanse(std::string& s);

}  // namespace postamt::sasl::crypto
