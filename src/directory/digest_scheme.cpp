// Dovecot digest password schemes: {SHA512} {SSHA512} {SHA256} {SSHA256} {SHA}/{SHA1} {SSHA}, each
// with an optional .B64/.BASE64/.HEX suffix (Dovecot "Password Schemes"), computed with OpenSSL EVP.
#include "directory/digest_scheme.hpp"

#include <openssl/evp.h>

#include "directory/password.hpp"

namespace postamt::directory {
namespace {

struct Scheme {
  std::string_view name;
  const EVP_MD* (*md)();
  bool salted;
};

const Scheme kSchemes[] = {
    {"SHA512", EVP_sha512, false}, {"SSHA512", EVP_sha512, true}, {"SHA256", EVP_sha256, false},
    {"SSHA256", EVP_sha256, true}, {"SHA", EVP_sha1, false},      {"SHA1", EVP_sha1, false},
    {"SSHA", EVP_sha1, true},
};

constexpr std::size_t kMaxEncoded = 1024;  // far above any digest + salt

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> decode_base64(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = b64_value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::optional<std::string> decode_hex(std::string_view in) {
  if (in.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 2) {
    int hi = hex_value(in[i]), lo = hex_value(in[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi << 4 | lo);
  }
  return out;
}

std::optional<bool> verify_digest_scheme(std::string_view scheme, std::string_view password, std::string_view encoded) {
  bool hex = false;
  if (auto dot = scheme.find('.'); dot != std::string_view::npos) {
    std::string_view enc = scheme.substr(dot + 1);
    if (enc == "HEX") {
      hex = true;
    } else if (enc != "B64" && enc != "BASE64") {
      return std::nullopt;
    }
    scheme = scheme.substr(0, dot);
  }
  const Scheme* s = nullptr;
  for (const auto& candidate : kSchemes)
    if (candidate.name == scheme) s = &candidate;
  if (s == nullptr) return std::nullopt;
  if (encoded.size() > kMaxEncoded) return false;

  auto raw = hex ? decode_hex(encoded) : decode_base64(encoded);
  const EVP_MD* md = s->md();
  const auto digest_len = static_cast<std::size_t>(EVP_MD_get_size(md));
  if (!raw || raw->size() < digest_len || (!s->salted && raw->size() != digest_len)) return false;
  std::string_view expected(raw->data(), digest_len);
  std::string_view salt = std::string_view(*raw).substr(digest_len);

  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, md, nullptr) == 1 &&
            EVP_DigestUpdate(ctx, password.data(), password.size()) == 1 &&
            EVP_DigestUpdate(ctx, salt.data(), salt.size()) == 1 && EVP_DigestFinal_ex(ctx, out, &out_len) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok || out_len != digest_len) return false;
  return constant_time_equals(std::string_view(reinterpret_cast<const char*>(out), out_len), expected);
}

}  // namespace postamt::directory
