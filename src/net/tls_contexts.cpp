// Server TLS contexts: loading, cipher policy, SNI callback, SIGHUP reload (see tls_contexts.hpp).
#include "net/tls_contexts.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdio>
#include <filesystem>

#include "common/log.hpp"
#include "common/strings.hpp"
#include "net/errors.hpp"

namespace postamt::net {
namespace {

namespace ssl = boost::asio::ssl;

// TLS 1.2 suites: forward secret AEAD only (Mozilla "intermediate"). TLS 1.3 suites are OpenSSL's defaults.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";

std::string openssl_reason() {
  unsigned long err = ERR_peek_last_error();
  ERR_clear_error();
  if (err == 0) return "unknown OpenSSL error";
  const char* reason = ERR_reason_error_string(err);
  return reason ? reason : "unknown OpenSSL error";
}

// RFC 6066 §3: the client names the host it wants; switch the handshake to that certificate's context.
int servername_callback(SSL* ssl, int* /*alert*/, void* arg) {
  const auto* generation = static_cast<const TlsGeneration*>(arg);
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  if (!name) return SSL_TLSEXT_ERR_NOACK;
  const auto& entry = generation->select(str::to_lower(name));
  SSL_CTX* wanted = entry.context->native_handle();
  if (SSL_get_SSL_CTX(ssl) != wanted) SSL_set_SSL_CTX(ssl, wanted);
  return SSL_TLSEXT_ERR_OK;
}

std::shared_ptr<ssl::context> make_context(const config::TlsCertificate& cert, const std::string& min_version) {
  namespace stdfs = std::filesystem;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* c = ctx->native_handle();
  SSL_CTX_set_min_proto_version(c, min_version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION);
  SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                             SSL_OP_SINGLE_ECDH_USE | SSL_OP_SINGLE_DH_USE);
  SSL_CTX_set_dh_auto(c, 1);
  if (SSL_CTX_set_cipher_list(c, kTls12Ciphers) != 1) throw TlsError("cannot set cipher list: " + openssl_reason());
  std::error_code ec;
  if (!stdfs::exists(cert.cert, ec)) throw TlsError("certificate file " + cert.cert.string() + " does not exist");
  if (!stdfs::exists(cert.key, ec)) throw TlsError("key file " + cert.key.string() + " does not exist");
  if (SSL_CTX_use_certificate_chain_file(c, cert.cert.c_str()) != 1)
    throw TlsError("cannot load certificate " + cert.cert.string() + ": " + openssl_reason());
  if (SSL_CTX_use_PrivateKey_file(c, cert.key.c_str(), SSL_FILETYPE_PEM) != 1)
    throw TlsError("cannot load key " + cert.key.string() + ": " + openssl_reason());
  if (SSL_CTX_check_private_key(c) != 1)
    throw TlsError("key " + cert.key.string() + " does not match certificate " + cert.cert.string());
  return ctx;
}

}  // namespace

bool tls_name_matches(std::string_view pattern, std::string_view name) {
  if (pattern == name) return true;
  if (pattern.size() < 3 || pattern.substr(0, 2) != "*.") return false;
  auto dot = name.find('.');
  if (dot == 0 || dot == std::string_view::npos) return false;
  return name.substr(dot + 1) == pattern.substr(2);
}

bool is_test_certificate(const std::string& cert_file) {
  FILE* f = std::fopen(cert_file.c_str(), "r");
  if (!f) return false;
  X509* x509 = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (!x509) {
    ERR_clear_error();
    return false;
  }
  auto starts_with_test_ca = [](X509_NAME* name, int nid) {
    char buf[256];
    int n = X509_NAME_get_text_by_NID(name, nid, buf, sizeof buf);
    return n > 0 && std::string_view(buf, static_cast<std::size_t>(n)).starts_with("postamt test CA");
  };
  X509_NAME* issuer = X509_get_issuer_name(x509);
  bool test = starts_with_test_ca(issuer, NID_organizationName) || starts_with_test_ca(issuer, NID_commonName);
  X509_free(x509);
  return test;
}

TlsGeneration::TlsGeneration(const std::vector<config::TlsCertificate>& certificates, const std::string& min_version) {
  bool have_default = false;
  for (const auto& cert : certificates) {
    Entry entry;
    for (const auto& n : cert.names) entry.names.push_back(str::to_lower(n));
    entry.context = make_context(cert, min_version);
    entry.cert_file = cert.cert.string();
    if (entry.names.empty() && !have_default) {
      default_index_ = entries_.size();
      have_default = true;
    }
    entries_.push_back(std::move(entry));
  }
  // Every context carries the callback: OpenSSL calls it on the context the SSL object was made from.
  for (auto& entry : entries_) {
    SSL_CTX* c = entry.context->native_handle();
    SSL_CTX_set_tlsext_servername_callback(c, servername_callback);
    SSL_CTX_set_tlsext_servername_arg(c, const_cast<TlsGeneration*>(this));
  }
}

boost::asio::ssl::context& TlsGeneration::default_context() const {
  if (entries_.empty()) throw TlsError("no TLS certificate configured");
  return *entries_[default_index_].context;
}

const TlsGeneration::Entry& TlsGeneration::select(std::string_view server_name) const {
  if (entries_.empty()) throw TlsError("no TLS certificate configured");
  for (const auto& e : entries_)
    for (const auto& n : e.names)
      if (n == server_name) return e;
  for (const auto& e : entries_)
    for (const auto& n : e.names)
      if (tls_name_matches(n, server_name)) return e;
  return entries_[default_index_];
}

TlsContexts::TlsContexts(const config::Config& config) : TlsContexts(config.certificates, config.tls_min_version) {}

TlsContexts::TlsContexts(std::vector<config::TlsCertificate> certificates, std::string min_version)
    : certificates_(std::move(certificates)), min_version_(std::move(min_version)) {
  reload();
}

bool TlsContexts::available() const { return !current()->empty(); }

void TlsContexts::reload() {
  auto generation = std::make_shared<const TlsGeneration>(certificates_, min_version_);
  for (const auto& e : generation->entries())
    if (is_test_certificate(e.cert_file))
      log::warn("test_certificate", {{"cert", e.cert_file},
                                     {"hint", "issued by a postamt test CA; clients will not trust it"}});
  std::lock_guard lock(mutex_);
  current_ = std::move(generation);
}

std::shared_ptr<const TlsGeneration> TlsContexts::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

}  // namespace postamt::net
