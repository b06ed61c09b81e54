// Internal OpenSSL helpers for the cert module (see openssl_util.hpp).
#include "cert/openssl_util.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <system_error>

#include "common/fs.hpp"
#include "common/strings.hpp"

namespace postamt::cert::detail {
namespace stdfs = std::filesystem;

namespace {
constexpr std::size_t kMaxPemFile = 1 << 20;  // certificate chains and keys are far smaller

// Password callback that refuses: encrypted keys are reported, never prompted for on a terminal.
int no_password(char*, int, int, void*) { return -1; }

std::string bio_string(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, n > 0 ? static_cast<std::size_t>(n) : 0);
}

BioPtr mem_bio() {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) throw Error(openssl_error("BIO_new"));
  return bio;
}

std::string read_input(const stdfs::path& path) {
  std::string data;
  try {
    data = fs::read_file(path);
  } catch (const std::system_error& e) {
    throw BadInput("cannot read " + path.string() + ": " + e.code().message());
  }
  if (data.size() > kMaxPemFile) throw BadInput(path.string() + " is larger than 1 MiB; not a certificate or key");
  return data;
}
}  // namespace

std::string openssl_error(std::string_view what) {
  unsigned long code = ERR_peek_error();
  std::string out(what);
  if (code != 0) {
    const char* reason = ERR_reason_error_string(code);
    out += ": ";
    out += reason ? reason : "OpenSSL error " + std::to_string(code);
  }
  ERR_clear_error();
  return out;
}

PkeyPtr generate_key(KeyType type) {
  EVP_PKEY* key = nullptr;
  switch (type) {
    case KeyType::EcP256: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
    case KeyType::Rsa2048: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048)); break;
    case KeyType::Rsa4096: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(4096)); break;
    case KeyType::Ed25519: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"); break;
  }
  if (!key) throw Error(openssl_error("key generation failed"));
  return PkeyPtr(key);
}

std::string private_key_pem(EVP_PKEY* key) {
  auto bio = mem_bio();
  if (PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    throw Error(openssl_error("writing the private key"));
  return bio_string(bio.get());
}

std::string cert_pem(X509* cert) {
  auto bio = mem_bio();
  if (PEM_write_bio_X509(bio.get(), cert) != 1) throw Error(openssl_error("writing the certificate"));
  return bio_string(bio.get());
}

std::string req_pem(X509_REQ* req) {
  auto bio = mem_bio();
  if (PEM_write_bio_X509_REQ(bio.get(), req) != 1) throw Error(openssl_error("writing the request"));
  return bio_string(bio.get());
}

X509Ptr read_cert(const stdfs::path& path) {
  std::string data = read_input(path);
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (!bio) throw Error(openssl_error("BIO_new_mem_buf"));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, no_password, nullptr));
  if (!cert) {
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    cert.reset(d2i_X509(nullptr, &p, static_cast<long>(data.size())));  // DER, as some CAs deliver it
  }
  ERR_clear_error();
  if (!cert) throw BadInput(path.string() + ": no certificate found (expected PEM \"BEGIN CERTIFICATE\")");
  return cert;
}

PkeyPtr read_key(const stdfs::path& path) {
  std::string data = read_input(path);
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (!bio) throw Error(openssl_error("BIO_new_mem_buf"));
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr));
  ERR_clear_error();
  if (!key) throw BadInput(path.string() + ": no private key found (expected an unencrypted PEM private key)");
  return key;
}

std::string checked_dns_name(std::string_view name) {
  std::string lower = str::to_lower(name);
  std::string_view rest = lower;
  if (rest.starts_with("*.")) rest.remove_prefix(2);  // RFC 6125 §6.4.3: wildcard only as the whole left label
  bool ok = !rest.empty() && lower.size() <= 253;
  if (ok) {
    for (auto label : str::split(rest, '.')) {
      ok = ok && !label.empty() && label.size() <= 63 && label.front() != '-' && label.back() != '-';
      for (char c : label) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
    }
  }
  if (!ok) throw BadOptions("'" + std::string(name) + "' is not a valid DNS name");
  return lower;
}

std::string checked_ip(std::string_view ip) {
  std::string s(ip);
  unsigned char buf[16];
  char out[INET6_ADDRSTRLEN];
  for (int af : {AF_INET, AF_INET6}) {
    if (::inet_pton(af, s.c_str(), buf) == 1 && ::inet_ntop(af, buf, out, sizeof out)) return out;
  }
  throw BadOptions("'" + s + "' is not an IPv4 or IPv6 address");
}

void check_days(int days) {
  if (days < 1 || days > 36500) throw BadOptions("validity of " + std::to_string(days) + " days must be 1..36500");
}

void refuse_existing(const std::vector<stdfs::path>& paths) {
  for (std::size_t i = 0; i < paths.size(); ++i) {
    std::error_code ec;
    if (stdfs::exists(stdfs::symlink_status(paths[i], ec)))
      throw OutputExists(paths[i].string() + " already exists; refusing to overwrite it");
    for (std::size_t j = 0; j < i; ++j) {
      if (stdfs::absolute(paths[i]).lexically_normal() == stdfs::absolute(paths[j]).lexically_normal())
        throw BadOptions("the same file " + paths[i].string() + " is named for two outputs");
    }
  }
}

void write_pair(const stdfs::path& key_path, const std::string& key_pem, const stdfs::path& public_path,
                const std::string& public_pem) {
  try {
    fs::write_file_durably(key_path, key_pem, 0600);
  } catch (const std::system_error& e) {
    throw Error("cannot write " + key_path.string() + ": " + e.code().message());
  }
  try {
    fs::write_file_durably(public_path, public_pem, 0644);
  } catch (const std::system_error& e) {
    std::error_code ec;
    stdfs::remove(key_path, ec);
    throw Error("cannot write " + public_path.string() + ": " + e.code().message());
  }
}

}  // namespace postamt::cert::detail
