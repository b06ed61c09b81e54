// Tests for the certificate tooling: chains verify with OpenSSL's own verifier for a TLS server, SANs
// and key usages are right, CSRs carry SANs, files are protected and never overwritten.
#include "cert/cert.hpp"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>

namespace postamt::cert {
namespace {
namespace stdfs = std::filesystem;

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

X509Ptr load(const stdfs::path& p) {
  BIO* bio = BIO_new_file(p.c_str(), "r");
  if (!bio) return nullptr;
  X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return X509Ptr(x);
}

// X509_V_OK when `leaf` chains to `ca` for a TLS server (and matches `host` if given).
int verify(const stdfs::path& ca, const stdfs::path& leaf, const std::string& host = {}) {
  auto ca_cert = load(ca);
  auto leaf_cert = load(leaf);
  if (!ca_cert || !leaf_cert) return -1;
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca_cert.get());
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, leaf_cert.get(), nullptr);
  X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
  if (!host.empty()) X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(ctx), host.c_str(), 0);
  int result = X509_verify_cert(ctx) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  ERR_clear_error();
  return result;
}

unsigned mode_of(const stdfs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 0777;
}

std::string slurp(const stdfs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class CertTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = stdfs::temp_directory_path() /
           ("postamt-cert-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    stdfs::remove_all(dir_);
    stdfs::create_directories(dir_);
  }
  void TearDown() override { stdfs::remove_all(dir_); }

  stdfs::path p(const std::string& name) const { return dir_ / name; }

  void make_ca(KeyType key = KeyType::EcP256) {
    CaOptions ca;
    ca.common_name = "Example Test CA";
    ca.key = key;
    create_ca(p("ca.crt"), p("ca.key"), ca);
  }

  IssueOptions mail_names(KeyType key = KeyType::EcP256) {
    IssueOptions o;
    o.dns_names = {"mail.example.test", "IMAP.example.test"};
    o.ip_addresses = {"127.0.0.1", "0::1"};
    o.key = key;
    o.days = 30;
    return o;
  }

  stdfs::path dir_;
};

class CertKeyTypeTest : public CertTest, public ::testing::WithParamInterface<KeyType> {};

TEST_P(CertKeyTypeTest, CaIssuesServerCertificateThatVerifies) {
  make_ca(GetParam());
  issue_server_cert(p("ca.crt"), p("ca.key"), p("mail.crt"), p("mail.key"), mail_names(GetParam()));
  EXPECT_EQ(verify(p("ca.crt"), p("mail.crt")), X509_V_OK);
  EXPECT_EQ(verify(p("ca.crt"), p("mail.crt"), "mail.example.test"), X509_V_OK);
  EXPECT_EQ(verify(p("ca.crt"), p("mail.crt"), "imap.example.test"), X509_V_OK);
  EXPECT_EQ(verify(p("ca.crt"), p("mail.crt"), "other.example.test"), X509_V_ERR_HOSTNAME_MISMATCH);
  EXPECT_TRUE(key_matches(p("mail.crt"), p("mail.key")));
  EXPECT_FALSE(key_matches(p("mail.crt"), p("ca.key")));
  EXPECT_TRUE(key_matches(p("ca.crt"), p("ca.key")));
}

INSTANTIATE_TEST_SUITE_P(Keys, CertKeyTypeTest, ::testing::Values(KeyType::EcP256, KeyType::Rsa2048, KeyType::Ed25519));

TEST_F(CertTest, LeafFieldsAndExtensions) {
  make_ca();
  issue_server_cert(p("ca.crt"), p("ca.key"), p("mail.crt"), p("mail.key"), mail_names());
  CertInfo info = inspect(p("mail.crt"));
  EXPECT_EQ(info.subject, "CN=mail.example.test");
  EXPECT_EQ(info.issuer, "CN=Example Test CA,O=postamt test CA");
  EXPECT_EQ(info.dns_names, (std::vector<std::string>{"mail.example.test", "imap.example.test"}));
  EXPECT_EQ(info.ip_addresses, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(info.key_type, "EC P-256");
  EXPECT_FALSE(info.is_ca);
  EXPECT_FALSE(info.self_signed);
  EXPECT_TRUE(info.test_certificate);
  EXPECT_EQ(info.sha256_fingerprint.size(), 32u * 3 - 1);
  std::int64_t now = std::time(nullptr);
  EXPECT_NEAR(info.not_before_epoch, now - 300, 60);
  EXPECT_NEAR(info.not_after_epoch, now + 30 * 86400, 60);
  EXPECT_EQ(info.not_after.size(), std::string("2026-11-24 12:00:00 UTC").size());
  EXPECT_TRUE(info.not_after.ends_with(" UTC"));

  auto x = load(p("mail.crt"));
  ASSERT_TRUE(x);
  std::uint32_t flags = X509_get_extension_flags(x.get());
  EXPECT_TRUE(flags & EXFLAG_BCONS);
  EXPECT_FALSE(flags & EXFLAG_CA);
  EXPECT_EQ(X509_get_key_usage(x.get()), static_cast<std::uint32_t>(KU_DIGITAL_SIGNATURE));  // EC: no keyEncipherment
  EXPECT_EQ(X509_get_extended_key_usage(x.get()), static_cast<std::uint32_t>(XKU_SSL_SERVER));
  EXPECT_NE(X509_get0_subject_key_id(x.get()), nullptr);
  EXPECT_NE(X509_get0_authority_key_id(x.get()), nullptr);
  EXPECT_EQ(X509_get_signature_nid(x.get()), NID_ecdsa_with_SHA256);
  // 128-bit random serial: 16 octets.
  const ASN1_INTEGER* serial = X509_get0_serialNumber(x.get());
  EXPECT_EQ(ASN1_STRING_length(serial), 16);
}

TEST_F(CertTest, RsaLeafAllowsKeyEncipherment) {
  make_ca();
  issue_server_cert(p("ca.crt"), p("ca.key"), p("r.crt"), p("r.key"), mail_names(KeyType::Rsa2048));
  auto x = load(p("r.crt"));
  ASSERT_TRUE(x);
  EXPECT_EQ(X509_get_key_usage(x.get()), static_cast<std::uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
  EXPECT_EQ(inspect(p("r.crt")).key_type, "RSA 2048");
}

TEST_F(CertTest, CaFields) {
  make_ca();
  CertInfo info = inspect(p("ca.crt"));
  EXPECT_EQ(info.subject, info.issuer);
  EXPECT_NE(info.subject.find("CN=Example Test CA"), std::string::npos);
  EXPECT_NE(info.subject.find("O=postamt test CA"), std::string::npos);
  EXPECT_TRUE(info.is_ca);
  EXPECT_TRUE(info.self_signed);
  EXPECT_TRUE(info.test_certificate);
  auto x = load(p("ca.crt"));
  EXPECT_EQ(X509_get_key_usage(x.get()), static_cast<std::uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  EXPECT_EQ(X509_get_pathlen(x.get()), 0);
  EXPECT_EQ(mode_of(p("ca.key")), 0600u);
  EXPECT_EQ(mode_of(p("ca.crt")), 0644u);
  std::int64_t now = std::time(nullptr);
  EXPECT_NEAR(info.not_after_epoch, now + 3650LL * 86400, 60);
}

TEST_F(CertTest, Ed25519IsSignedWithoutDigest) {
  make_ca(KeyType::Ed25519);
  CertInfo info = inspect(p("ca.crt"));
  EXPECT_EQ(info.key_type, "Ed25519");
  auto x = load(p("ca.crt"));
  EXPECT_EQ(X509_get_signature_nid(x.get()), NID_ED25519);
}

TEST_F(CertTest, SelfSignedVerifiesAgainstItself) {
  IssueOptions o;
  o.dns_names = {"host.example.test"};
  create_self_signed(p("s.crt"), p("s.key"), o);
  EXPECT_EQ(verify(p("s.crt"), p("s.crt"), "host.example.test"), X509_V_OK);
  CertInfo info = inspect(p("s.crt"));
  EXPECT_TRUE(info.self_signed);
  EXPECT_FALSE(info.is_ca);
  EXPECT_FALSE(info.test_certificate);
  EXPECT_EQ(info.subject, "CN=host.example.test");
  EXPECT_TRUE(key_matches(p("s.crt"), p("s.key")));
  EXPECT_EQ(mode_of(p("s.key")), 0600u);
  // Another CA does not vouch for it.
  make_ca();
  EXPECT_NE(verify(p("ca.crt"), p("s.crt")), X509_V_OK);
}

TEST_F(CertTest, CsrCarriesSubjectAltNamesAndIsSigned) {
  CsrOptions o;
  o.dns_names = {"mx.example.test", "example.test"};
  o.organization = "Example GmbH";
  o.country = "de";
  create_csr(p("req.key"), p("req.csr"), o);
  EXPECT_EQ(mode_of(p("req.key")), 0600u);
  BIO* bio = BIO_new_file(p("req.csr").c_str(), "r");
  ASSERT_NE(bio, nullptr);
  X509_REQ* req = PEM_read_bio_X509_REQ(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_NE(req, nullptr);
  EVP_PKEY* pub = X509_REQ_get0_pubkey(req);
  EXPECT_EQ(X509_REQ_verify(req, pub), 1);
  char subject[256];
  X509_NAME_oneline(X509_REQ_get_subject_name(req), subject, sizeof subject);
  EXPECT_STREQ(subject, "/C=DE/O=Example GmbH/CN=mx.example.test");
  STACK_OF(X509_EXTENSION)* exts = X509_REQ_get_extensions(req);
  ASSERT_NE(exts, nullptr);
  std::vector<std::string> dns;
  for (int i = 0; i < sk_X509_EXTENSION_num(exts); ++i) {
    X509_EXTENSION* ext = sk_X509_EXTENSION_value(exts, i);
    if (OBJ_obj2nid(X509_EXTENSION_get_object(ext)) != NID_subject_alt_name) continue;
    auto* names = static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(ext));
    for (int j = 0; j < sk_GENERAL_NAME_num(names); ++j) {
      const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, j);
      if (g->type == GEN_DNS)
        dns.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(g->d.dNSName)));
    }
    GENERAL_NAMES_free(names);
  }
  sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  X509_REQ_free(req);
  EXPECT_EQ(dns, (std::vector<std::string>{"mx.example.test", "example.test"}));
}

TEST_F(CertTest, Ed25519CsrVerifies) {
  CsrOptions o;
  o.dns_names = {"mx.example.test"};
  o.key = KeyType::Ed25519;
  create_csr(p("e.key"), p("e.csr"), o);
  BIO* bio = BIO_new_file(p("e.csr").c_str(), "r");
  ASSERT_NE(bio, nullptr);
  X509_REQ* req = PEM_read_bio_X509_REQ(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_NE(req, nullptr);
  EXPECT_EQ(X509_REQ_verify(req, X509_REQ_get0_pubkey(req)), 1);
  EXPECT_EQ(EVP_PKEY_get_base_id(X509_REQ_get0_pubkey(req)), EVP_PKEY_ED25519);
  X509_REQ_free(req);
}

TEST_F(CertTest, RefusesToOverwrite) {
  make_ca();
  std::string before = slurp(p("ca.crt"));
  EXPECT_THROW(make_ca(), OutputExists);
  EXPECT_EQ(slurp(p("ca.crt")), before);
  // The key alone existing is enough to refuse; the certificate is not created either.
  std::ofstream(p("only.key")) << "x";
  EXPECT_THROW(create_self_signed(p("only.crt"), p("only.key"), mail_names()), OutputExists);
  EXPECT_FALSE(stdfs::exists(p("only.crt")));
  CsrOptions csr;
  csr.dns_names = {"a.test"};
  EXPECT_THROW(create_csr(p("same"), p("same"), csr), BadOptions);
}

TEST_F(CertTest, BadOptionsCreateNothing) {
  make_ca();
  auto bad = [&](IssueOptions o, const char* needle) {
    try {
      issue_server_cert(p("ca.crt"), p("ca.key"), p("x.crt"), p("x.key"), o);
      ADD_FAILURE() << "accepted " << needle;
    } catch (const BadOptions& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
    EXPECT_FALSE(stdfs::exists(p("x.crt")));
    EXPECT_FALSE(stdfs::exists(p("x.key")));
  };
  auto opts = [](std::vector<std::string> dns, std::vector<std::string> ips = {}, int days = 30,
                 std::string cn = {}) {
    IssueOptions o;
    o.dns_names = std::move(dns);
    o.ip_addresses = std::move(ips);
    o.days = days;
    o.common_name = std::move(cn);
    return o;
  };
  bad(opts({}), "at least one DNS name");
  bad(opts({"bad name.test"}), "bad name.test");
  bad(opts({"a.test,DNS:evil.test"}), "not a valid DNS name");
  bad(opts({"-a.test"}), "not a valid DNS name");
  bad(opts({"a..test"}), "not a valid DNS name");
  bad(opts({"a.*.test"}), "not a valid DNS name");
  bad(opts({"a.test"}, {"300.1.1.1"}), "300.1.1.1");
  bad(opts({"a.test"}, {}, 0), "days");
  bad(opts({"a.test"}, {}, 30, std::string(65, 'c')), "64");
  CsrOptions csr;
  csr.dns_names = {"a.test"};
  csr.country = "DEU";
  EXPECT_THROW(create_csr(p("k"), p("c"), csr), BadOptions);
  EXPECT_FALSE(stdfs::exists(p("k")));
}

TEST_F(CertTest, WildcardAndLongNames) {
  IssueOptions o;
  std::string long_name = std::string(60, 'a') + ".example.test";  // > 64: cannot be the CN
  o.dns_names = {long_name, "*.example.test"};
  create_self_signed(p("w.crt"), p("w.key"), o);
  CertInfo info = inspect(p("w.crt"));
  EXPECT_EQ(info.subject, "CN=*.example.test");
  EXPECT_EQ(verify(p("w.crt"), p("w.crt"), "imap.example.test"), X509_V_OK);
  EXPECT_EQ(verify(p("w.crt"), p("w.crt"), long_name), X509_V_OK);
}

TEST_F(CertTest, IssueChecksTheCa) {
  make_ca();
  IssueOptions o = mail_names();
  create_self_signed(p("leaf.crt"), p("leaf.key"), o);
  // A leaf certificate cannot act as CA.
  EXPECT_THROW(issue_server_cert(p("leaf.crt"), p("leaf.key"), p("x.crt"), p("x.key"), o), BadInput);
  // The CA key must belong to the CA certificate.
  try {
    issue_server_cert(p("ca.crt"), p("leaf.key"), p("x.crt"), p("x.key"), o);
    FAIL() << "accepted a foreign CA key";
  } catch (const BadInput& e) {
    EXPECT_NE(std::string(e.what()).find("leaf.key"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(stdfs::exists(p("x.crt")));
  EXPECT_FALSE(stdfs::exists(p("x.key")));
}

TEST_F(CertTest, UnreadableInputsNameTheFile) {
  try {
    inspect(p("does-not-exist.crt"));
    FAIL();
  } catch (const BadInput& e) {
    EXPECT_NE(std::string(e.what()).find("does-not-exist.crt"), std::string::npos);
  }
  std::ofstream(p("junk.crt")) << "not a certificate\n";
  EXPECT_THROW(inspect(p("junk.crt")), BadInput);
  make_ca();
  EXPECT_THROW(key_matches(p("ca.crt"), p("junk.crt")), BadInput);
  EXPECT_THROW(key_matches(p("ca.key"), p("ca.key")), BadInput);  // a key is not a certificate
}

TEST_F(CertTest, ParseKeyType) {
  KeyType k{};
  EXPECT_TRUE(parse_key_type("EC", k));
  EXPECT_EQ(k, KeyType::EcP256);
  EXPECT_TRUE(parse_key_type("rsa4096", k));
  EXPECT_EQ(k, KeyType::Rsa4096);
  EXPECT_TRUE(parse_key_type("ed25519", k));
  EXPECT_EQ(k, KeyType::Ed25519);
  EXPECT_FALSE(parse_key_type("dsa", k));
}

}  // namespace
}  // namespace postamt::cert
