// Certificate tooling (OpenSSL 3): a private test CA, server certificates it signs (RFC 5280 profile:
// SANs, key usages), self-signed certificates, CSRs for a real CA, and inspection of existing files.
#pragma once
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace postamt::cert {

enum class KeyType { EcP256, Rsa2048, Rsa4096, Ed25519 };

// "ec" / "ec-p256", "rsa2048", "rsa4096", "ed25519" (case-insensitive); false when unknown.
bool parse_key_type(std::string_view text, KeyType& out);

// The Organization every CA made by create_ca carries: it marks "postamt test CA" certificates, which
// inspect() reports as test_certificate (clients do not trust them unless told to).
inline constexpr const char* kTestCaOrganization = "postamt test CA";

struct CaOptions {
  std::string common_name = "postamt test CA";
  int days = 3650;
  KeyType key = KeyType::EcP256;
};

struct IssueOptions {
  std::vector<std::string> dns_names;     // "mail.example.org", "*.example.org"
  std::vector<std::string> ip_addresses;  // "127.0.0.1", "::1"
  int days = 825;
  KeyType key = KeyType::EcP256;
  std::string common_name;  // default: first dns name (or first IP address)
};

struct CsrOptions {
  std::vector<std::string> dns_names;
  std::string common_name;  // default: first dns name
  KeyType key = KeyType::EcP256;
  std::string organization, country;  // optional; country is two letters
};

struct CertInfo {
  std::string subject, issuer;  // RFC 2253 form, e.g. "CN=mail.example.org,O=Example"
  std::vector<std::string> dns_names, ip_addresses;
  std::string not_before, not_after;  // "2026-11-24 12:00:00 UTC"
  std::int64_t not_before_epoch = 0;
  std::int64_t not_after_epoch = 0;
  std::string key_type;  // "EC P-256" "RSA 2048" "Ed25519"
  bool is_ca = false;
  bool self_signed = false;
  bool test_certificate = false;  // issued by (or is) a postamt test CA
  std::string sha256_fingerprint;  // "AB:CD:..." as `openssl x509 -fingerprint -sha256` prints it
};

// Every failure, one line, naming the file concerned. Subclasses let the CLI choose an exit code.
class Error : public std::runtime_error {
 public:
  using runtime_error::runtime_error;
};
class OutputExists : public Error {  // an output file already exists (nothing was written)
 public:
  using Error::Error;
};
class BadInput : public Error {  // an input file is missing, unreadable or not a certificate/key
 public:
  using Error::Error;
};
class BadOptions : public Error {  // invalid names, addresses, days, country
 public:
  using Error::Error;
};

// Each create function refuses to overwrite existing outputs, writes keys with mode 0600 and
// certificates with 0644, durably (common/fs.hpp); on failure no output is left behind.
void create_ca(const std::filesystem::path& cert, const std::filesystem::path& key, const CaOptions&);
void issue_server_cert(const std::filesystem::path& ca_cert, const std::filesystem::path& ca_key,
                       const std::filesystem::path& out_cert, const std::filesystem::path& out_key,
                       const IssueOptions&);
void create_csr(const std::filesystem::path& key_out, const std::filesystem::path& csr_out, const CsrOptions&);
void create_self_signed(const std::filesystem::path& cert, const std::filesystem::path& key, const IssueOptions&);

CertInfo inspect(const std::filesystem::path& cert);  // first certificate of a PEM chain
bool key_matches(const std::filesystem::path& cert, const std::filesystem::path& key);

}  // namespace postamt::cert
