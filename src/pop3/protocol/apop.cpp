// APOP digest (RFC 1939 §7; MD5 per RFC 1321 through OpenSSL EVP).
#include "pop3/protocol/apop.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "common/strings.hpp"

namespace postamt::pop3::protocol {

std::string make_apop_timestamp(std::string_view unique, std::string_view host) {
  std::string ts = "<";
  ts.append(unique);
  ts.push_back('@');
  ts.append(host);
  ts.push_back('>');
  return ts;
}

bool is_apop_timestamp(std::string_view ts) {
  if (ts.size() < 3 || ts.size() > 256 || ts.front() != '<' || ts.back() != '>') return false;
  std::string_view inner = ts.substr(1, ts.size() - 2);
  if (inner.find('@') == std::string_view::npos) return false;
  for (unsigned char c : inner)
    if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>') return false;
  return true;
}

std::string apop_digest(std::string_view timestamp, std::string_view secret) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (!ctx) return {};
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  bool good = EVP_DigestInit_ex(ctx, EVP_md5(), nullptr) == 1 &&
              EVP_DigestUpdate(ctx, timestamp.data(), timestamp.size()) == 1 &&
              EVP_DigestUpdate(ctx, secret.data(), secret.size()) == 1 && EVP_DigestFinal_ex(ctx, md, &len) == 1;
  EVP_MD_CTX_free(ctx);
  if (!good || len != 16) return {};
  return str::hex(std::string_view(reinterpret_cast<const char*>(md), len));
}

bool apop_verify(std::string_view timestamp, std::string_view secret, std::string_view client_digest) {
  std::string expected = apop_digest(timestamp, secret);
  if (expected.size() != 32 || client_digest.size() != 32) return false;
  std::string given = str::to_lower(client_digest);
  return CRYPTO_memcmp(expected.data(), given.data(), 32) == 0;
}

}  // namespace postamt::pop3::protocol
