// Internal OpenSSL helpers for the cert module: owning pointers, error text, key generation, PEM
// reading and writing, and the all-or-nothing output of key + certificate files.
#pragma once
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cert/cert.hpp"

namespace postamt::cert::detail {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using ReqPtr = std::unique_ptr<X509_REQ, Deleter<X509_REQ_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;

// "what: <first OpenSSL error reason>"; clears the OpenSSL error queue.
std::string openssl_error(std::string_view what);

PkeyPtr generate_key(KeyType type);
std::string private_key_pem(EVP_PKEY* key);  // unencrypted PKCS#8
std::string cert_pem(X509* cert);
std::string req_pem(X509_REQ* req);

X509Ptr read_cert(const std::filesystem::path& path);  // first certificate of a PEM file (or DER); BadInput
PkeyPtr read_key(const std::filesystem::path& path);   // unencrypted PEM private key; BadInput

// Names and addresses validated for a certificate: DNS names (LDH labels, optional leading "*."),
// IP literals in canonical form. Throws BadOptions.
std::string checked_dns_name(std::string_view name);
std::string checked_ip(std::string_view ip);
void check_days(int days);

// Throws OutputExists if any path exists, BadOptions if two are the same.
void refuse_existing(const std::vector<std::filesystem::path>& paths);
// Writes the private key (0600) then the public file (0644); removes the key again if the second fails.
void write_pair(const std::filesystem::path& key_path, const std::string& key_pem,
                const std::filesystem::path& public_path, const std::string& public_pem);

}  // namespace postamt::cert::detail
