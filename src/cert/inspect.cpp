// Reading an existing certificate for `postamt cert show` and startup checks: names (RFC 5280 §4.2.1.6),
// validity, key type, CA/self-signed/test-CA status, fingerprint; and whether a key belongs to it.
#include <arpa/inet.h>
#include <openssl/err.h>

#include <ctime>

#include "cert/cert.hpp"
#include "cert/openssl_util.hpp"

namespace postamt::cert {
namespace stdfs = std::filesystem;
using namespace detail;

namespace {
std::string name_text(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) throw Error(openssl_error("BIO_new"));
  // RFC 2253 form, but UTF-8 left readable instead of \XX-escaped.
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, n > 0 ? static_cast<std::size_t>(n) : 0);
}

std::string organization(const X509_NAME* name) {
  int i = X509_NAME_get_index_by_NID(name, NID_organizationName, -1);
  if (i < 0) return {};
  const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<std::size_t>(ASN1_STRING_length(s)));
}

void set_time(const ASN1_TIME* t, std::string& text, std::int64_t& epoch) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) {
    text = "(invalid time)";
    return;
  }
  epoch = static_cast<std::int64_t>(::timegm(&tm));
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  text = buf;
}

std::string key_type(EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: return "RSA " + std::to_string(EVP_PKEY_get_bits(key));
    case EVP_PKEY_ED25519: return "Ed25519";
    case EVP_PKEY_ED448: return "Ed448";
    case EVP_PKEY_EC: {
      char group[80] = {};
      std::size_t len = 0;
      if (EVP_PKEY_get_group_name(key, group, sizeof group, &len) != 1) return "EC";
      std::string g = group;
      if (g == "prime256v1") return "EC P-256";
      if (g == "secp384r1") return "EC P-384";
      if (g == "secp521r1") return "EC P-521";
      return "EC " + g;
    }
    default: {
      const char* sn = OBJ_nid2sn(EVP_PKEY_get_base_id(key));
      return sn ? sn : "unknown";
    }
  }
}

void set_alt_names(X509* cert, CertInfo& info) {
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names.get(), i);
    if (g->type == GEN_DNS) {
      const ASN1_STRING* s = g->d.dNSName;
      info.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                  static_cast<std::size_t>(ASN1_STRING_length(s)));
    } else if (g->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* s = g->d.iPAddress;
      char out[INET6_ADDRSTRLEN];
      int len = ASN1_STRING_length(s);
      int af = len == 4 ? AF_INET : len == 16 ? AF_INET6 : 0;
      if (af && ::inet_ntop(af, ASN1_STRING_get0_data(s), out, sizeof out)) info.ip_addresses.emplace_back(out);
    }
  }
}

std::string fingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) != 1) throw Error(openssl_error("X509_digest"));
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    if (i) out += ':';
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}
}  // namespace

CertInfo inspect(const stdfs::path& path) {
  auto cert = read_cert(path);
  CertInfo info;
  const X509_NAME* subject = X509_get_subject_name(cert.get());
  const X509_NAME* issuer = X509_get_issuer_name(cert.get());
  info.subject = name_text(subject);
  info.issuer = name_text(issuer);
  set_alt_names(cert.get(), info);
  set_time(X509_get0_notBefore(cert.get()), info.not_before, info.not_before_epoch);
  set_time(X509_get0_notAfter(cert.get()), info.not_after, info.not_after_epoch);
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  info.key_type = key ? key_type(key) : "unknown";
  info.is_ca = (X509_get_extension_flags(cert.get()) & EXFLAG_CA) != 0;
  info.self_signed = X509_self_signed(cert.get(), 1) == 1;  // issuer == subject and its own key verifies it
  info.test_certificate = organization(subject) == kTestCaOrganization || organization(issuer) == kTestCaOrganization;
  info.sha256_fingerprint = fingerprint(cert.get());
  ERR_clear_error();
  return info;
}

bool key_matches(const stdfs::path& cert_path, const stdfs::path& key_path) {
  auto cert = read_cert(cert_path);
  auto key = read_key(key_path);
  bool ok = X509_check_private_key(cert.get(), key.get()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace postamt::cert
