// Server TLS contexts (OpenSSL 3): TLS 1.2+ (or 1.3 only) with a modern cipher list, one context per
// configured certificate, SNI selection (RFC 6066 §3) by exact or wildcard name, reload on SIGHUP.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "common/config.hpp"

namespace postamt::net {

// One loaded set of certificates. Immutable once built; connections keep the set they started with
// alive (shared_ptr), so reload() never touches an existing connection.
class TlsGeneration {
 public:
  struct Entry {
    std::vector<std::string> names;  // lower-case SNI names ("*.example.com" allowed); empty: default
    std::shared_ptr<boost::asio::ssl::context> context;
    std::string cert_file;
  };

  // Throws TlsError naming the file when a certificate or key cannot be loaded or do not match.
  TlsGeneration(const std::vector<config::TlsCertificate>& certificates, const std::string& min_version);
  TlsGeneration(const TlsGeneration&) = delete;
  TlsGeneration& operator=(const TlsGeneration&) = delete;

  bool empty() const { return entries_.empty(); }
  // The context new handshakes start with (the certificate without names, else the first one).
  boost::asio::ssl::context& default_context() const;
  // The entry for an SNI name: exact match first, then a wildcard covering one leftmost label, else the default.
  const Entry& select(std::string_view server_name) const;
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
  std::size_t default_index_ = 0;
};

class TlsContexts {
 public:
  // Loads every certificate of config.certificates (none is fine: available() is then false).
  // Logs `event=test_certificate` (warn) for a certificate issued by a postamt test CA.
  explicit TlsContexts(const config::Config& config);
  TlsContexts(std::vector<config::TlsCertificate> certificates, std::string min_version);

  bool available() const;
  // Re-reads the certificate files (SIGHUP). New handshakes use the new set; on error throws TlsError
  // and keeps the old set.
  void reload();
  std::shared_ptr<const TlsGeneration> current() const;

 private:
  std::vector<config::TlsCertificate> certificates_;
  std::string min_version_;
  mutable std::mutex mutex_;
  std::shared_ptr<const TlsGeneration> current_;
};

// True when `name` (lower-case) matches the certificate name `pattern`: equal, or "*.rest" where name is
// "<one label>.rest" (RFC 6125 §6.4.3: the wildcard covers exactly one leftmost label).
bool tls_name_matches(std::string_view pattern, std::string_view name);

// True when the certificate's issuer (or the certificate itself) is a postamt test CA: issuer O or CN
// starting with "postamt test CA". False when the file cannot be read.
bool is_test_certificate(const std::string& cert_file);

}  // namespace postamt::net
