// Password hashing and verification: new hashes are argon2id (RFC 9106) in the PHC string format;
// verification also accepts crypt(3) hashes and Dovecot's {SCHEME} prefixed formats, so users can be
// imported from Dovecot, Postfix/Courier or /etc/shadow without a password reset.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace postamt::directory {

// argon2id cost for new hashes. Default: OWASP's argon2id recommendation (m=19 MiB, t=2, p=1).
struct HashCost {
  std::uint32_t time_cost = 2;
  std::uint32_t memory_kib = 19 * 1024;
  std::uint32_t parallelism = 1;
};
void set_hash_cost(const HashCost& cost);  // process-wide; tests lower it
HashCost hash_cost();

std::string hash_password(std::string_view password);  // "$argon2id$v=19$m=...,t=...,p=...$salt$hash"

// True when `password` matches `stored`. Accepted forms:
//   $argon2id$ $argon2i$ (libargon2); $y$ $gy$ $7$ $6$ $5$ $2y$ $2b$ $2a$ $1$ and 13-char DES (libxcrypt);
//   Dovecot {ARGON2ID} {ARGON2I} {SHA512-CRYPT} {SHA256-CRYPT} {BLF-CRYPT} {MD5-CRYPT} {DES-CRYPT}
//   {CRYPT} {PLAIN} {CLEAR} {CLEARTEXT} {SSHA512} {SHA512} {SSHA256} {SHA256} {SSHA} {SHA} {SHA1},
//   the digest schemes with an optional .B64 / .HEX encoding suffix.
// Anything else (unknown scheme, malformed hash, empty) is false. Comparisons are constant-time.
bool verify_password(std::string_view password, std::string_view stored);

// True when `stored` is not an argon2id hash at the current cost (a candidate for rehashing).
bool needs_rehash(std::string_view stored);

std::string generate_password();  // 20 characters of [A-Za-z0-9_-] from the OpenSSL CSPRNG (120 bits)

// Constant-time equality of two byte strings (the length itself is not secret).
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace postamt::directory
