// OpenSSL 3 primitives for DKIM (RFC 6376 §3.3, RFC 8463 §3-4, RFC 8301 key sizes).
#include "mailauth/dkim/crypto.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <vector>

namespace postamt::mailauth::dkim {
namespace {
struct CtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, CtxFree>;
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Bio = std::unique_ptr<BIO, BioFree>;

[[noreturn]] void fail(const std::string& what) {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  char buf[256] = "";
  if (e) ERR_error_string_n(e, buf, sizeof buf);
  throw Error(what + (e ? std::string(": ") + buf : std::string()));
}
}  // namespace

void PkeyFree::operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }

std::string sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr)) fail("sha256");
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(n);
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string clean;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
          c == '='))
      return std::nullopt;
    clean += c;
  }
  if (clean.size() % 4 != 0 || clean.size() > (1u << 20)) return std::nullopt;
  auto eq = clean.find('=');
  if (eq != std::string::npos && (clean.size() - eq > 2 || clean.find_first_not_of('=', eq) != std::string::npos))
    return std::nullopt;
  std::string out(clean.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(clean.data()), static_cast<int>(clean.size()));
  if (n < 0) return std::nullopt;
  std::size_t pad = clean.size() - (eq == std::string::npos ? clean.size() : eq);
  out.resize(static_cast<std::size_t>(n) - pad);  // EVP_DecodeBlock counts padding as zero bytes
  return out;
}

Key load_private_key(std::string_view text) {
  if (text.find("-----BEGIN") != std::string_view::npos) {
    Bio bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key) fail("cannot read the private key");
    key_algorithm(key.get());
    return key;
  }
  auto raw = base64_decode(text);
  if (!raw || raw->size() != 32) throw Error("private key is neither PEM nor a base64 Ed25519 seed");
  Key key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                        reinterpret_cast<const unsigned char*>(raw->data()), raw->size()));
  if (!key) fail("bad Ed25519 private key");
  return key;
}

Key load_public_key(Algorithm alg, std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  if (alg == Algorithm::Ed25519Sha256) {
    if (der.size() != 32) return nullptr;
    Key k(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, p, der.size()));
    ERR_clear_error();
    return k;
  }
  Key k(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!k) {  // some publish the PKCS#1 RSAPublicKey instead of SubjectPublicKeyInfo
    p = reinterpret_cast<const unsigned char*>(der.data());
    k.reset(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(der.size())));
  }
  ERR_clear_error();
  if (k && EVP_PKEY_base_id(k.get()) != EVP_PKEY_RSA) return nullptr;
  return k;
}

Algorithm key_algorithm(EVP_PKEY* key) {
  switch (EVP_PKEY_base_id(key)) {
    case EVP_PKEY_RSA: return Algorithm::RsaSha256;
    case EVP_PKEY_ED25519: return Algorithm::Ed25519Sha256;
    default: throw Error("DKIM keys must be RSA or Ed25519");
  }
}

int key_bits(EVP_PKEY* key) { return EVP_PKEY_get_bits(key); }

std::string sign(Algorithm alg, EVP_PKEY* key, std::string_view data) {
  MdCtx ctx(EVP_MD_CTX_new());
  std::string input(data);
  // RFC 8463 §3: Ed25519 signs the SHA-256 hash of the data, not the data itself.
  if (alg == Algorithm::Ed25519Sha256) input = sha256(data);
  const EVP_MD* md = alg == Algorithm::RsaSha256 ? EVP_sha256() : nullptr;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key) != 1) fail("signing");
  std::size_t len = 0;
  auto in = reinterpret_cast<const unsigned char*>(input.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, in, input.size()) != 1) fail("signing");
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, input.size()) != 1)
    fail("signing");
  sig.resize(len);
  return sig;
}

bool verify(Algorithm alg, EVP_PKEY* key, std::string_view data, std::string_view signature) {
  MdCtx ctx(EVP_MD_CTX_new());
  std::string input(data);
  if (alg == Algorithm::Ed25519Sha256) input = sha256(data);
  const EVP_MD* md = alg == Algorithm::RsaSha256 ? EVP_sha256() : nullptr;
  bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) == 1 &&
            EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  ERR_clear_error();
  return ok;
}

Key generate_key(Algorithm alg, int rsa_bits) {
  if (alg == Algorithm::RsaSha256 && (rsa_bits < 1024 || rsa_bits > 4096)) throw Error("RSA bits must be 1024..4096");
  Key key(alg == Algorithm::RsaSha256 ? EVP_RSA_gen(static_cast<unsigned>(rsa_bits))
                                      : EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) fail("key generation");
  return key;
}

std::string private_key_pem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    fail("writing the private key");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string public_key_record_value(EVP_PKEY* key) {
  if (key_algorithm(key) == Algorithm::Ed25519Sha256) {
    unsigned char raw[32];
    std::size_t len = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(key, raw, &len) != 1) fail("Ed25519 public key");
    return base64_encode(std::string_view(reinterpret_cast<char*>(raw), len));
  }
  int n = i2d_PUBKEY(key, nullptr);
  if (n <= 0) fail("RSA public key");
  std::string der(static_cast<std::size_t>(n), '\0');
  auto* p = reinterpret_cast<unsigned char*>(der.data());
  i2d_PUBKEY(key, &p);
  return base64_encode(der);
}

}  // namespace postamt::mailauth::dkim
