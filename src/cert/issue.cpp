// Creating keys, a test CA, server certificates, self-signed certificates and CSRs with the RFC 5280
// profile (§4.2.1.2/.3/.9/.12 key identifiers, key usage, basic constraints, EKU; §4.2.1.6 SANs).
#include <openssl/err.h>
#include <openssl/rand.h>

#include <cctype>

#include "cert/cert.hpp"
#include "cert/openssl_util.hpp"
#include "common/strings.hpp"

namespace postamt::cert {
namespace stdfs = std::filesystem;
using namespace detail;

namespace {
constexpr std::size_t kMaxCommonName = 64;  // RFC 5280 Appendix A: ub-common-name

bool is_eddsa(EVP_PKEY* key) {
  int id = EVP_PKEY_get_base_id(key);
  return id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448;
}

void add_name_entry(X509_NAME* name, const char* field, const std::string& value) {
  if (value.empty()) return;
  if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()),
                                 -1, -1, 0) != 1)
    throw BadOptions(openssl_error(std::string("cannot use '") + value + "' as " + field));
}

// RFC 5280 §4.1.2.2: a positive serial of at most 20 octets; 128 random bits (CA/B BR §7.1 wants >= 64).
void set_random_serial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw Error(openssl_error("RAND_bytes"));
  bytes[0] &= 0x7f;
  bytes[0] |= 0x40;  // never zero, always 16 octets
  BnPtr bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert))) throw Error(openssl_error("serial number"));
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
    throw Error(openssl_error(std::string("extension ") + OBJ_nid2sn(nid) + "=" + value));
}

// A new v3 certificate for `key`'s public half, valid from five minutes ago (clock skew) for `days`.
X509Ptr new_cert(EVP_PKEY* key, int days) {
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) throw Error(openssl_error("X509_new"));
  set_random_serial(cert.get());
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300) ||
      !X509_time_adj_ex(X509_getm_notAfter(cert.get()), days, 0, nullptr))
    throw Error(openssl_error("validity"));
  if (X509_set_pubkey(cert.get(), key) != 1) throw Error(openssl_error("X509_set_pubkey"));
  return cert;
}

void sign(X509* cert, EVP_PKEY* key) {
  // RFC 8410 §6: Ed25519 signs the data itself, no separate digest; everything else SHA-256.
  if (X509_sign(cert, key, is_eddsa(key) ? nullptr : EVP_sha256()) <= 0) throw Error(openssl_error("signing"));
}

// The SAN extension value "DNS:a,DNS:b,IP:1.2.3.4" from validated names (no commas can occur).
std::string san_value(const std::vector<std::string>& dns, const std::vector<std::string>& ips) {
  std::string v;
  for (const auto& d : dns) v += (v.empty() ? "DNS:" : ",DNS:") + d;
  for (const auto& i : ips) v += (v.empty() ? "IP:" : ",IP:") + i;
  return v;
}

struct Names {
  std::vector<std::string> dns, ips;
  std::string common_name;  // "" when nothing fits in 64 characters: empty subject, critical SAN
};

Names checked_names(const std::vector<std::string>& dns, const std::vector<std::string>& ips,
                    const std::string& common_name) {
  Names n;
  for (const auto& d : dns) n.dns.push_back(checked_dns_name(d));
  for (const auto& i : ips) n.ips.push_back(checked_ip(i));
  if (n.dns.empty() && n.ips.empty()) throw BadOptions("give at least one DNS name (or IP address)");
  if (!common_name.empty()) {
    if (common_name.size() > kMaxCommonName) throw BadOptions("common name is longer than 64 characters");
    n.common_name = common_name;
  } else {
    for (const auto& d : n.dns) {
      if (d.size() <= kMaxCommonName) {
        n.common_name = d;
        break;
      }
    }
    if (n.common_name.empty() && n.dns.empty()) n.common_name = n.ips.front();
  }
  return n;
}

// Leaf (server) certificate extensions: RFC 5280 §4.2.1.9 CA:FALSE, §4.2.1.3 key usage by key type
// (keyEncipherment only means something for RSA key transport), §4.2.1.12 serverAuth.
void add_leaf_extensions(X509* cert, X509* issuer, EVP_PKEY* key, const Names& n) {
  add_ext(cert, issuer, NID_basic_constraints, "critical,CA:FALSE");
  bool rsa = EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA;
  add_ext(cert, issuer, NID_key_usage, rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature");
  add_ext(cert, issuer, NID_ext_key_usage, "serverAuth");
  // §4.2.1.6: with an empty subject the SAN extension must be critical.
  add_ext(cert, issuer, NID_subject_alt_name, (n.common_name.empty() ? "critical," : "") + san_value(n.dns, n.ips));
  add_ext(cert, issuer, NID_subject_key_identifier, "hash");
  add_ext(cert, issuer, NID_authority_key_identifier, "keyid,issuer");
}

X509Ptr make_leaf(EVP_PKEY* key, const Names& n, int days, X509* issuer_cert) {
  auto cert = new_cert(key, days);
  add_name_entry(X509_get_subject_name(cert.get()), "CN", n.common_name);
  X509* issuer = issuer_cert ? issuer_cert : cert.get();
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer)) != 1) throw Error(openssl_error("issuer"));
  add_leaf_extensions(cert.get(), issuer, key, n);
  return cert;
}
}  // namespace

bool parse_key_type(std::string_view text, KeyType& out) {
  std::string t = str::to_lower(text);
  if (t == "ec" || t == "ec-p256" || t == "p256" || t == "p-256") out = KeyType::EcP256;
  else if (t == "rsa" || t == "rsa2048") out = KeyType::Rsa2048;
  else if (t == "rsa4096") out = KeyType::Rsa4096;
  else if (t == "ed25519") out = KeyType::Ed25519;
  else return false;
  return true;
}

void create_ca(const stdfs::path& cert_path, const stdfs::path& key_path, const CaOptions& opts) {
  refuse_existing({cert_path, key_path});
  check_days(opts.days);
  if (opts.common_name.empty() || opts.common_name.size() > kMaxCommonName)
    throw BadOptions("CA common name must be 1..64 characters");
  auto key = generate_key(opts.key);
  auto cert = new_cert(key.get(), opts.days);
  X509_NAME* name = X509_get_subject_name(cert.get());
  add_name_entry(name, "O", kTestCaOrganization);
  add_name_entry(name, "CN", opts.common_name);
  if (X509_set_issuer_name(cert.get(), name) != 1) throw Error(openssl_error("issuer"));
  // RFC 5280 §4.2.1.9: CA:TRUE critical; pathlen:0 since this CA signs only server certificates.
  add_ext(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
  add_ext(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_ext(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  add_ext(cert.get(), cert.get(), NID_authority_key_identifier, "keyid:always");
  sign(cert.get(), key.get());
  write_pair(key_path, private_key_pem(key.get()), cert_path, cert_pem(cert.get()));
}

void issue_server_cert(const stdfs::path& ca_cert_path, const stdfs::path& ca_key_path, const stdfs::path& out_cert,
                       const stdfs::path& out_key, const IssueOptions& opts) {
  refuse_existing({out_cert, out_key});
  check_days(opts.days);
  Names n = checked_names(opts.dns_names, opts.ip_addresses, opts.common_name);
  auto ca = read_cert(ca_cert_path);
  auto ca_key = read_key(ca_key_path);
  if (X509_check_ca(ca.get()) != 1) throw BadInput(ca_cert_path.string() + " is not a CA certificate");
  if (X509_check_private_key(ca.get(), ca_key.get()) != 1) {
    ERR_clear_error();
    throw BadInput(ca_key_path.string() + " is not the key of " + ca_cert_path.string());
  }
  auto key = generate_key(opts.key);
  auto cert = make_leaf(key.get(), n, opts.days, ca.get());
  sign(cert.get(), ca_key.get());
  write_pair(out_key, private_key_pem(key.get()), out_cert, cert_pem(cert.get()));
}

void create_self_signed(const stdfs::path& cert_path, const stdfs::path& key_path, const IssueOptions& opts) {
  refuse_existing({cert_path, key_path});
  check_days(opts.days);
  Names n = checked_names(opts.dns_names, opts.ip_addresses, opts.common_name);
  auto key = generate_key(opts.key);
  auto cert = make_leaf(key.get(), n, opts.days, nullptr);
  sign(cert.get(), key.get());
  write_pair(key_path, private_key_pem(key.get()), cert_path, cert_pem(cert.get()));
}

void create_csr(const stdfs::path& key_out, const stdfs::path& csr_out, const CsrOptions& opts) {
  refuse_existing({key_out, csr_out});
  Names n = checked_names(opts.dns_names, {}, opts.common_name);
  std::string country = str::to_upper(opts.country);
  if (!country.empty() && (country.size() != 2 || !std::isalpha(static_cast<unsigned char>(country[0])) ||
                           !std::isalpha(static_cast<unsigned char>(country[1]))))
    throw BadOptions("country must be a two-letter code such as DE");
  auto key = generate_key(opts.key);
  ReqPtr req(X509_REQ_new());
  if (!req || X509_REQ_set_version(req.get(), X509_REQ_VERSION_1) != 1) throw Error(openssl_error("X509_REQ_new"));
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  add_name_entry(name, "C", country);
  add_name_entry(name, "O", opts.organization);
  add_name_entry(name, "CN", n.common_name);
  if (X509_REQ_set_pubkey(req.get(), key.get()) != 1) throw Error(openssl_error("X509_REQ_set_pubkey"));
  // RFC 2986 §4.1 extensionRequest attribute carrying the SANs (RFC 2985 §5.4.2).
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, nullptr, nullptr, req.get(), nullptr, 0);
  std::unique_ptr<STACK_OF(X509_EXTENSION), void (*)(STACK_OF(X509_EXTENSION)*)> exts(
      sk_X509_EXTENSION_new_null(), [](STACK_OF(X509_EXTENSION)* s) { sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free); });
  std::string san = (n.common_name.empty() ? "critical," : "") + san_value(n.dns, {});
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san.c_str());
  if (!exts || !ext || !sk_X509_EXTENSION_push(exts.get(), ext)) {
    X509_EXTENSION_free(ext);
    throw Error(openssl_error("subjectAltName"));
  }
  if (X509_REQ_add_extensions(req.get(), exts.get()) != 1) throw Error(openssl_error("X509_REQ_add_extensions"));
  if (X509_REQ_sign(req.get(), key.get(), is_eddsa(key.get()) ? nullptr : EVP_sha256()) <= 0)
    throw Error(openssl_error("signing the request"));
  write_pair(key_out, private_key_pem(key.get()), csr_out, req_pem(req.get()));
}

}  // namespace postamt::cert
