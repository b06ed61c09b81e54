// TLS: implicit TLS, STARTTLS with the CVE-2011-0411 purge, protocol floor (TLS 1.1 refused, 1.3-only),
// SNI certificate choice incl. wildcards, reload for new handshakes only, test-CA detection.
#include <gtest/gtest.h>

#include "net/tls_contexts.hpp"
#include "test_support.hpp"

namespace postamt::net::test {
namespace {

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override { register_echo(); }
  static config::Config make_config() {
    auto c = base_config();
    c.certificates.push_back(self_signed("default", "mail.example.com"));
    c.certificates.push_back(self_signed("wild", "wild.other.test", "Example", {"*.other.test"}));
    c.certificates.push_back(self_signed("exact", "exact.other.test", "Example", {"exact.other.test"}));
    c.listeners.push_back(listener("echo", config::TlsMode::StartTls));
    c.listeners.push_back(listener("echo", config::TlsMode::Implicit));
    return c;
  }
  config::Config cfg = make_config();
};

TEST_F(TlsTest, ImplicitTls) {
  TestServer server(cfg);
  Client c(server.port("echo", config::TlsMode::Implicit));
  c.start_tls();
  EXPECT_EQ(c.line(), "HELLO echo");
  c.send("INFO\r\n");
  EXPECT_EQ(c.line(), "INFO tls=TLSv1.3 sni= discarded=0");
  c.send("ping\r\n");
  EXPECT_EQ(c.line(), "ECHO ping");
  EXPECT_EQ(peer_common_name(c.ssl()), "mail.example.com");
  c.send("QUIT\r\n");
  EXPECT_EQ(c.line(), "BYE");
  EXPECT_EQ(c.line(), "<EOF>");
  EXPECT_EQ(c.last_error(), asio::error::eof) << c.last_error().message();  // close_notify, not a truncated stream
}

TEST_F(TlsTest, StartTlsDiscardsPipelinedPlaintext) {
  TestServer server(cfg);
  Client c(server.port("echo", config::TlsMode::StartTls));
  EXPECT_EQ(c.line(), "HELLO echo");
  // CVE-2011-0411: a command injected after STARTTLS in the same packet must not run after the upgrade.
  c.send("STARTTLS\r\nINJECTED\r\n");
  EXPECT_EQ(c.line(), "OK");
  c.start_tls();
  c.send("INFO\r\n");
  EXPECT_EQ(c.line(), "INFO tls=TLSv1.3 sni= discarded=10");
  c.send("QUIT\r\n");
  EXPECT_EQ(c.line(), "BYE");
}

TEST_F(TlsTest, Tls11IsRefusedTls12Accepted) {
  TestServer server(cfg);
  auto port = server.port("echo", config::TlsMode::Implicit);
  {
    Client old(port);
    SSL_CTX* ctx = old.tls_context().native_handle();
    SSL_CTX_set_security_level(ctx, 0);  // let the client offer TLS 1.1 at all
    SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(ctx, TLS1_1_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION);
    try {
      old.start_tls();
      FAIL() << "TLS 1.1 handshake succeeded";
    } catch (const boost::system::system_error& e) {
      // The server answers with a protocol_version alert.
      EXPECT_NE(std::string(e.what()).find("protocol version"), std::string::npos) << e.what();
    }
  }
  Client tls12(port);
  SSL_CTX_set_max_proto_version(tls12.tls_context().native_handle(), TLS1_2_VERSION);
  tls12.start_tls();
  tls12.send("INFO\r\n");
  EXPECT_EQ(tls12.line(), "HELLO echo");
  EXPECT_EQ(tls12.line(), "INFO tls=TLSv1.2 sni= discarded=0");
}

TEST_F(TlsTest, MinVersion13RefusesTls12) {
  cfg.tls_min_version = "1.3";
  TestServer server(cfg);
  Client c(server.port("echo", config::TlsMode::Implicit));
  SSL_CTX_set_max_proto_version(c.tls_context().native_handle(), TLS1_2_VERSION);
  EXPECT_THROW(c.start_tls(), boost::system::system_error);
}

TEST_F(TlsTest, SniSelectsCertificate) {
  TestServer server(cfg);
  auto port = server.port("echo", config::TlsMode::Implicit);
  auto cn_for = [&](const std::string& sni) {
    Client c(port);
    c.start_tls(sni);
    EXPECT_EQ(c.line(), "HELLO echo");
    return peer_common_name(c.ssl());
  };
  EXPECT_EQ(cn_for("exact.other.test"), "exact.other.test");
  EXPECT_EQ(cn_for("IMAP.Other.Test"), "wild.other.test");
  EXPECT_EQ(cn_for("a.b.other.test"), "mail.example.com");  // a wildcard covers one label only
  EXPECT_EQ(cn_for("unknown.example"), "mail.example.com");
  EXPECT_EQ(cn_for(""), "mail.example.com");
}

TEST_F(TlsTest, SniAfterStartTls) {
  TestServer server(cfg);
  Client c(server.port("echo", config::TlsMode::StartTls));
  EXPECT_EQ(c.line(), "HELLO echo");
  c.send("STARTTLS\r\n");
  EXPECT_EQ(c.line(), "OK");
  c.start_tls("exact.other.test");
  c.send("INFO\r\n");
  EXPECT_EQ(c.line(), "INFO tls=TLSv1.3 sni=exact.other.test discarded=0");
  EXPECT_EQ(peer_common_name(c.ssl()), "exact.other.test");
}

TEST_F(TlsTest, ReloadAffectsOnlyNewHandshakes) {
  auto cert = self_signed("reload", "before.example");
  cfg.certificates = {cert};
  TestServer server(cfg);
  auto port = server.port("echo", config::TlsMode::Implicit);
  Client existing(port);
  existing.start_tls();
  EXPECT_EQ(existing.line(), "HELLO echo");
  EXPECT_EQ(peer_common_name(existing.ssl()), "before.example");

  self_signed("reload", "after.example");  // overwrites the same files
  server.server().reload_tls();
  Client fresh(port);
  fresh.start_tls();
  EXPECT_EQ(fresh.line(), "HELLO echo");
  EXPECT_EQ(peer_common_name(fresh.ssl()), "after.example");
  existing.send("still here\r\n");
  EXPECT_EQ(existing.line(), "ECHO still here");
}

TEST_F(TlsTest, ReloadFailureKeepsOldCertificates) {
  auto cert = self_signed("broken", "keep.example");
  TlsContexts contexts({cert}, "1.2");
  std::filesystem::remove(cert.key);
  EXPECT_THROW(contexts.reload(), TlsError);
  ASSERT_TRUE(contexts.available());
  EXPECT_EQ(contexts.current()->entries()[0].cert_file, cert.cert.string());
}

TEST(TlsContextsTest, LoadErrorsNameTheFile) {
  config::TlsCertificate missing{{}, "/nonexistent/cert.pem", "/nonexistent/key.pem"};
  try {
    TlsContexts contexts({missing}, "1.2");
    FAIL();
  } catch (const TlsError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/cert.pem"), std::string::npos);
  }
  auto a = self_signed("mismatch-a", "a.example");
  auto b = self_signed("mismatch-b", "b.example");
  EXPECT_THROW(TlsContexts({config::TlsCertificate{{}, a.cert, b.key}}, "1.2"), TlsError);
  TlsContexts none({}, "1.2");
  EXPECT_FALSE(none.available());
}

TEST(TlsContextsTest, WildcardMatching) {
  EXPECT_TRUE(tls_name_matches("mail.example.com", "mail.example.com"));
  EXPECT_TRUE(tls_name_matches("*.example.com", "mail.example.com"));
  EXPECT_FALSE(tls_name_matches("*.example.com", "example.com"));
  EXPECT_FALSE(tls_name_matches("*.example.com", "a.b.example.com"));
  EXPECT_FALSE(tls_name_matches("*.example.com", ".example.com"));
  EXPECT_FALSE(tls_name_matches("*.", "a."));
}

TEST(TlsContextsTest, TestCertificateDetectedByIssuer) {
  auto dir = temp_dir();
  std::string ca = (dir / "testca.crt").string(), ca_key = (dir / "testca.key").string();
  sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
     "-subj '/O=postamt test CA/CN=postamt test CA' -keyout " + ca_key + " -out " + ca);
  std::string leaf = (dir / "leaf.crt").string(), leaf_key = (dir / "leaf.key").string(),
              csr = (dir / "leaf.csr").string();
  sh("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=leaf.example' -keyout " + leaf_key +
     " -out " + csr);
  sh("openssl x509 -req -in " + csr + " -CA " + ca + " -CAkey " + ca_key + " -set_serial 2 -days 2 -out " + leaf);
  EXPECT_TRUE(is_test_certificate(leaf));
  EXPECT_TRUE(is_test_certificate(ca));
  auto other = self_signed("real", "real.example", "Real Org");
  EXPECT_FALSE(is_test_certificate(other.cert.string()));
  EXPECT_FALSE(is_test_certificate("/nonexistent"));

  testing::internal::CaptureStderr();
  TlsContexts contexts({config::TlsCertificate{{}, leaf, leaf_key}}, "1.2");
  std::string log = testing::internal::GetCapturedStderr();
  EXPECT_NE(log.find("level=warn event=test_certificate"), std::string::npos) << log;
}

}  // namespace
}  // namespace postamt::net::test
