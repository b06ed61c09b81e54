// The cryptography DKIM needs, over OpenSSL 3: SHA-256, base64, rsa-sha256 (RSASSA-PKCS1-v1_5, RFC
// 6376 §3.3.1) and ed25519-sha256 (PureEdDSA over the SHA-256 hash, RFC 8463 §3), key generation and
// the key formats of DNS records (p=) and key files.
#pragma once
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

typedef struct evp_pkey_st EVP_PKEY;

namespace postamt::mailauth::dkim {

enum class Algorithm { RsaSha256, Ed25519Sha256 };

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct PkeyFree {
  void operator()(EVP_PKEY* p) const;
};
using Key = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::string sha256(std::string_view data);
std::string base64_encode(std::string_view bytes);
// Ignores FWS inside; nullopt for anything that is not base64.
std::optional<std::string> base64_decode(std::string_view text);

// A private key from PEM (PKCS#8 or traditional RSA) or, as python-dkim and RFC 8463 §A.1 write
// Ed25519 keys, the base64 of the raw 32-byte seed. Throws Error.
Key load_private_key(std::string_view text);
// A public key from the decoded p= of a key record: SubjectPublicKeyInfo DER or bare RSAPublicKey for
// RSA; the raw 32 bytes for Ed25519 (RFC 8463 §4). nullptr when it does not parse.
Key load_public_key(Algorithm alg, std::string_view der);

// Algorithm of a private key; throws Error for anything but RSA and Ed25519.
Algorithm key_algorithm(EVP_PKEY* key);
int key_bits(EVP_PKEY* key);

// `data` is the hash input of RFC 6376 §3.7 (canonicalized headers + signature field).
std::string sign(Algorithm alg, EVP_PKEY* key, std::string_view data);
bool verify(Algorithm alg, EVP_PKEY* key, std::string_view data, std::string_view signature);

// A fresh key: rsa (bits 1024..4096) or ed25519.
Key generate_key(Algorithm alg, int rsa_bits = 2048);
std::string private_key_pem(EVP_PKEY* key);  // PKCS#8
// The p= value of the key record: base64 SubjectPublicKeyInfo (RSA) or raw key (Ed25519).
std::string public_key_record_value(EVP_PKEY* key);

}  // namespace postamt::mailauth::dkim
