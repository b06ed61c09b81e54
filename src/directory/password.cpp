// Password hashing (argon2id via libargon2, RFC 9106) and verification of argon2, crypt(3) (libxcrypt)
// and Dovecot {SCHEME} hashes; password generation from the OpenSSL CSPRNG. See password.hpp.
#include "directory/password.hpp"

#include <argon2.h>
#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <atomic>
#include <memory>
#include <stdexcept>

#include "common/strings.hpp"
#include "directory/digest_scheme.hpp"

namespace postamt::directory {
namespace {

std::atomic<std::uint32_t> g_time_cost{HashCost{}.time_cost};
std::atomic<std::uint32_t> g_memory_kib{HashCost{}.memory_kib};
std::atomic<std::uint32_t> g_parallelism{HashCost{}.parallelism};

constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
constexpr std::size_t kMaxStored = 1024;         // no real hash is longer
constexpr std::size_t kMaxPassword = 4096;       // bounds the work an attacker can ask for
constexpr std::size_t kMaxSchemeName = 32;

bool random_bytes(unsigned char* out, std::size_t n) { return RAND_bytes(out, static_cast<int>(n)) == 1; }

bool verify_argon2(std::string_view password, std::string_view encoded, argon2_type type) {
  std::string enc(encoded);  // argon2_verify wants a NUL-terminated string
  int rc = argon2_verify(enc.c_str(), password.data(), password.size(), type);
  return rc == ARGON2_OK;
}

bool verify_crypt(std::string_view password, std::string_view setting) {
  if (password.find('\0') != std::string_view::npos || setting.find('\0') != std::string_view::npos) return false;
  std::string phrase(password), set(setting);
  auto data = std::make_unique<crypt_data>();  // ~32 KiB: not on the coroutine stack
  const char* out = crypt_rn(phrase.c_str(), set.c_str(), data.get(), sizeof(crypt_data));
  OPENSSL_cleanse(phrase.data(), phrase.size());
  // crypt_rn returns NULL or a string starting with '*' for an unsupported or malformed setting.
  bool ok = out != nullptr && out[0] != '*' && constant_time_equals(out, setting);
  OPENSSL_cleanse(data.get(), sizeof(crypt_data));
  return ok;
}

bool is_des_crypt(std::string_view s) {
  if (s.size() != 13) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '/';
    if (!ok) return false;
  }
  return true;
}

// A bare hash (no {SCHEME}): argon2 PHC strings, modular crypt ($id$...) or DES crypt.
bool verify_bare(std::string_view password, std::string_view stored) {
  if (str::istarts_with(stored, "$argon2id$")) return verify_argon2(password, stored, Argon2_id);
  if (str::istarts_with(stored, "$argon2i$")) return verify_argon2(password, stored, Argon2_i);
  if (str::istarts_with(stored, "$argon2d$")) return verify_argon2(password, stored, Argon2_d);
  if (stored.size() > 1 && stored[0] == '$') return verify_crypt(password, stored);
  if (is_des_crypt(stored)) return verify_crypt(password, stored);
  return false;
}

bool has_prefix(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Plaintext comparison that leaks neither content nor length: compare SHA-256 digests.
bool plain_equals(std::string_view a, std::string_view b) {
  unsigned char da[32], db[32];
  unsigned int la = 0, lb = 0;
  if (EVP_Digest(a.data(), a.size(), da, &la, EVP_sha256(), nullptr) != 1 ||
      EVP_Digest(b.data(), b.size(), db, &lb, EVP_sha256(), nullptr) != 1)
    return false;
  return CRYPTO_memcmp(da, db, sizeof da) == 0;
}

bool verify_scheme(std::string_view password, std::string_view scheme, std::string_view rest) {
  if (scheme == "PLAIN" || scheme == "CLEAR" || scheme == "CLEARTEXT") return plain_equals(password, rest);
  if (scheme == "ARGON2ID") return has_prefix(rest, "$argon2id$") && verify_argon2(password, rest, Argon2_id);
  if (scheme == "ARGON2I") return has_prefix(rest, "$argon2i$") && verify_argon2(password, rest, Argon2_i);
  if (scheme == "SHA512-CRYPT") return has_prefix(rest, "$6$") && verify_crypt(password, rest);
  if (scheme == "SHA256-CRYPT") return has_prefix(rest, "$5$") && verify_crypt(password, rest);
  if (scheme == "MD5-CRYPT") return has_prefix(rest, "$1$") && verify_crypt(password, rest);
  if (scheme == "BLF-CRYPT") {
    return (has_prefix(rest, "$2y$") || has_prefix(rest, "$2b$") || has_prefix(rest, "$2a$")) &&
           verify_crypt(password, rest);
  }
  if (scheme == "DES-CRYPT") return is_des_crypt(rest) && verify_crypt(password, rest);
  if (scheme == "CRYPT") return verify_bare(password, rest);
  return verify_digest_scheme(scheme, password, rest).value_or(false);
}

}  // namespace

void set_hash_cost(const HashCost& cost) {
  g_time_cost = cost.time_cost;
  g_memory_kib = cost.memory_kib;
  g_parallelism = cost.parallelism;
}

HashCost hash_cost() { return {g_time_cost.load(), g_memory_kib.load(), g_parallelism.load()}; }

bool constant_time_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string hash_password(std::string_view password) {
  if (password.size() > kMaxPassword) throw std::invalid_argument("password longer than 4096 bytes");
  HashCost cost = hash_cost();
  unsigned char salt[kSaltBytes];
  if (!random_bytes(salt, sizeof salt)) throw std::runtime_error("random number generator failed");
  std::size_t len = argon2_encodedlen(cost.time_cost, cost.memory_kib, cost.parallelism, kSaltBytes, kHashBytes, Argon2_id);
  std::string encoded(len, '\0');
  int rc = argon2id_hash_encoded(cost.time_cost, cost.memory_kib, cost.parallelism, password.data(), password.size(),
                                 salt, sizeof salt, kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) throw std::runtime_error(std::string("argon2id hashing failed: ") + argon2_error_message(rc));
  encoded.resize(std::char_traits<char>::length(encoded.c_str()));
  return encoded;
}

bool verify_password(std::string_view password, std::string_view stored) {
  if (stored.empty() || stored.size() > kMaxStored || password.size() > kMaxPassword) return false;
  if (stored[0] == '{') {
    auto close = stored.find('}');
    if (close == std::string_view::npos || close > kMaxSchemeName) return false;
    std::string scheme = str::to_upper(stored.substr(1, close - 1));
    return verify_scheme(password, scheme, stored.substr(close + 1));
  }
  return verify_bare(password, stored);
}

bool needs_rehash(std::string_view stored) {
  HashCost c = hash_cost();
  std::string want = "$argon2id$v=19$m=" + std::to_string(c.memory_kib) + ",t=" + std::to_string(c.time_cost) +
                     ",p=" + std::to_string(c.parallelism) + "$";
  return !has_prefix(stored, want);
}

std::string generate_password() {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  static_assert(sizeof kAlphabet - 1 == 64, "64 symbols: a byte's low 6 bits pick one without bias");
  constexpr std::size_t kLength = 20;
  std::string out;
  unsigned char buf[64];
  while (out.size() < kLength) {
    if (!random_bytes(buf, sizeof buf)) throw std::runtime_error("random number generator failed");
    for (unsigned char b : buf) {
      char c = kAlphabet[b & 63];
      // No leading '-' or '_': the password must not look like a command-line option.
      if (out.empty() && (c == '-' || c == '_')) continue;
      if (out.size() < kLength) out += c;
    }
  }
  OPENSSL_cleanse(buf, sizeof buf);
  return out;
}

}  // namespace postamt::directory
