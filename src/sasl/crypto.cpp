// OpenSSL-backed SHA-256, HMAC-SHA-256, PBKDF2 and RNG for SCRAM (RFC 5802 §2.2, RFC 7677 §2).
#include "sasl/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <climits>
#include <stdexcept>

namespace postamt::sasl::crypto {
namespace {
const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
}  // namespace

std::string sha256(std::string_view data) {
  std::string out(kSha256Size, '\0');
  SHA256(bytes(data), data.size(), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::string out(kSha256Size, '\0');
  unsigned int len = 0;
  if (key.size() > INT_MAX ||
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes(data), data.size(),
           reinterpret_cast<unsigned char*>(out.data()), &len) == nullptr ||
      len != kSha256Size)
    throw std::runtime_error("HMAC-SHA-256 failed");
  return out;
}

std::string pbkdf2_sha256(std::string_view password, std::string_view salt, std::uint32_t iterations) {
  if (iterations == 0 || iterations > static_cast<std::uint32_t>(INT_MAX))
    throw std::invalid_argument("SCRAM iteration count out of range");
  if (password.size() > INT_MAX || salt.size() > INT_MAX) throw std::invalid_argument("SCRAM input too long");
  std::string out(kSha256Size, '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), bytes(salt), static_cast<int>(salt.size()),
                        static_cast<int>(iterations), EVP_sha256(), static_cast<int>(out.size()),
                        reinterpret_cast<unsigned char*>(out.data())) != 1)
    throw std::runtime_error("PBKDF2-HMAC-SHA-256 failed");
  return out;
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (n > INT_MAX || RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

void cleanse(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
}

}  // namespace postamt::sasl::crypto
