// DKIM signing at enqueue: keys found by the From domain in the keygen store (DATA/dkim/<domain>/),
// one signature per key (rsa-sha256 and ed25519-sha256), each verifying; unsigned when no key or no
// single From; a broken key file is reported and skipped. Also the dns::Resolver adapter for mailauth.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "mailauth/dkim/dkim.hpp"
#include "mailauth/dns_adapter.hpp"
#include "mailauth/static_resolver.hpp"
#include "queue/dkim_signing.hpp"

namespace postamt::queue {
namespace {

namespace fs = std::filesystem;
namespace dkim = mailauth::dkim;

const char* kMessage =
    "Received: from x (x [127.0.0.1])\r\n\tby mx.a.test (postamt); Mon, 1 Jan 2024 10:00:00 +0000\r\n"
    "From: Alice <alice@A.test>\r\nTo: bob@b.test\r\nSubject: signed\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
    "Message-ID: <1@a.test>\r\n\r\nHello,  Bob \r\n\r\n";

class KeyStore : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("postamt-dkim-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "a.test");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes a new key for a.test and returns its TXT record (name, value).
  std::pair<std::string, std::string> add_key(dkim::Algorithm alg, const std::string& selector) {
    auto key = dkim::generate(alg, "a.test", selector, 1024);
    std::ofstream(dir_ / "a.test" / (selector + ".key")) << key.private_key_pem;
    return {key.record_name, key.record_value};
  }

  fs::path dir_;
};

TEST_F(KeyStore, SignsWithEveryKeyOfTheFromDomain) {
  mailauth::StaticResolver dns;
  for (auto [alg, sel] : {std::pair{dkim::Algorithm::RsaSha256, "postamt"}, {dkim::Algorithm::Ed25519Sha256, "postamt-ed25519"}}) {
    auto [name, value] = add_key(alg, sel);
    dns.add_txt(name, value);
  }
  auto s = dkim_sign(dir_, kMessage);
  EXPECT_TRUE(s.errors.empty());
  EXPECT_EQ(s.domain, "a.test");
  ASSERT_EQ(s.selectors, (std::vector<std::string>{"postamt", "postamt-ed25519"}));
  auto signed_message = mailauth::parse_message(s.fields + kMessage);
  ASSERT_TRUE(signed_message);
  auto results = dkim::verify(*signed_message, dns);
  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results) {
    EXPECT_EQ(r.result, dkim::Result::Pass) << r.reason;
    EXPECT_EQ(r.domain, "a.test");
  }
  EXPECT_NE(s.fields.find("c=relaxed/relaxed"), std::string::npos);
  EXPECT_NE(s.fields.find("a=ed25519-sha256"), std::string::npos);
  EXPECT_NE(s.fields.find("a=rsa-sha256"), std::string::npos);
}

TEST_F(KeyStore, UnsignedWithoutKeyOrSingleFrom) {
  add_key(dkim::Algorithm::Ed25519Sha256, "k1");
  std::string other = kMessage;
  other.replace(other.find("alice@A.test"), 12, "alice@c.test");
  EXPECT_TRUE(dkim_sign(dir_, other).fields.empty());  // no key directory for c.test
  std::string two_from = std::string("From: x@a.test\r\n") + kMessage;
  EXPECT_TRUE(dkim_sign(dir_, two_from).fields.empty());  // RFC 7489 §6.6.1: no single From domain
  EXPECT_TRUE(dkim_sign(dir_ / "missing", kMessage).fields.empty());
  std::string traversal = kMessage;
  traversal.replace(traversal.find("alice@A.test"), 12, "alice@..");
  EXPECT_TRUE(dkim_sign(dir_, traversal).fields.empty());
}

TEST_F(KeyStore, BrokenKeyIsReportedAndSkipped) {
  std::ofstream(dir_ / "a.test" / "bad.key") << "not a key";
  add_key(dkim::Algorithm::Ed25519Sha256, "good");
  auto s = dkim_sign(dir_, kMessage);
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_NE(s.errors[0].find("bad.key"), std::string::npos);
  EXPECT_EQ(s.selectors, std::vector<std::string>{"good"});
}

// A dns::Resolver answering from fixed tables, for the adapter.
class FixedDns : public dns::Resolver {
 public:
  int queries = 0;
  dns::Answer<dns::Mx> mx(std::string_view) override {
    ++queries;
    dns::Answer<dns::Mx> a;
    a.status = dns::Status::Ok;
    a.records = {{10, "mx.a.test"}};
    return a;
  }
  dns::Answer<std::string> a(std::string_view) override { return text(dns::Status::Ok, "192.0.2.1"); }
  dns::Answer<std::string> aaaa(std::string_view) override { return text(dns::Status::NoData, ""); }
  dns::Answer<std::string> txt(std::string_view name) override {
    return name == "gone.test" ? text(dns::Status::NxDomain, "") : text(dns::Status::Ok, "v=spf1 -all");
  }

 private:
  dns::Answer<std::string> text(dns::Status s, std::string value) {
    ++queries;
    dns::Answer<std::string> a;
    a.status = s;
    if (!value.empty()) a.records.push_back(std::move(value));
    return a;
  }
};

TEST(DnsAdapter, MapsAnswersAndStatuses) {
  auto inner = std::make_shared<FixedDns>();
  mailauth::DnsAdapter adapter(inner);
  auto mx = adapter.mx("a.test");
  ASSERT_TRUE(mx.ok());
  EXPECT_EQ(mx.records[0].exchange, "mx.a.test");
  EXPECT_EQ(mx.records[0].preference, 10);
  EXPECT_EQ(adapter.txt("a.test").records, std::vector<std::string>{"v=spf1 -all"});
  EXPECT_EQ(adapter.txt("gone.test").status, mailauth::DnsStatus::NxDomain);
  EXPECT_EQ(adapter.aaaa("a.test").status, mailauth::DnsStatus::NoData);
  EXPECT_EQ(adapter.a("a.test").records, std::vector<std::string>{"192.0.2.1"});
}

TEST(DnsAdapter, PastTheDeadlineEveryQuestionIsTempFailWithoutAsking) {
  auto inner = std::make_shared<FixedDns>();
  mailauth::DnsAdapter adapter(inner, mailauth::DnsAdapter::Clock::now() - std::chrono::seconds(1));
  EXPECT_EQ(adapter.txt("a.test").status, mailauth::DnsStatus::TempFail);
  EXPECT_EQ(adapter.mx("a.test").status, mailauth::DnsStatus::TempFail);
  EXPECT_EQ(inner->queries, 0);
}

}  // namespace
}  // namespace postamt::queue
