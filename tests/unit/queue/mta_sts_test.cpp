// MTA-STS (RFC 8461): TXT record and policy parsing with the RFC's examples and malformed input, MX
// pattern matching (§4.1), the cache decision (§3.3, §5.1), the SQLite cache and the HTTPS fetch
// against a local server (redirects, content type, certificate name, size limit).
#include "queue/mta_sts.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "queue/mta_sts_cache.hpp"
#include "queue/mta_sts_fetch.hpp"
#include "queue/store.hpp"
#include "https_server.hpp"

namespace postamt::queue::mta_sts {
namespace {
namespace stdfs = std::filesystem;

TEST(MtaStsRecord, RfcExampleAndVariants) {
  EXPECT_EQ(parse_record("v=STSv1; id=20160831085700Z;"), "20160831085700Z");  // §3.1 example
  EXPECT_EQ(parse_record("v=STSv1;id=abc"), "abc");
  EXPECT_EQ(parse_record("v=STSv1 ;  id=abc ; ext.x=val-ue;"), "abc");
  EXPECT_EQ(parse_record("v=STSv1; foo=bar; id=Z9"), "Z9");  // the order after v= is free
}

TEST(MtaStsRecord, Malformed) {
  EXPECT_FALSE(parse_record(""));
  EXPECT_FALSE(parse_record("v=STSv1;"));                 // no id
  EXPECT_FALSE(parse_record("id=abc; v=STSv1"));          // v= must come first
  EXPECT_FALSE(parse_record("v=STSv2; id=abc"));
  EXPECT_FALSE(parse_record("v=STSv1; id=a-b"));          // id is ALPHA / DIGIT
  EXPECT_FALSE(parse_record("v=STSv1; id=" + std::string(33, 'a')));  // at most 32
  EXPECT_FALSE(parse_record("v=STSv1; id="));
  EXPECT_FALSE(parse_record("v=STSv1; id=abc; =x"));
  EXPECT_FALSE(parse_record("v=STSv1; id=abc; x"));
  EXPECT_FALSE(parse_record("v=STSv1 id=abc"));
  EXPECT_FALSE(parse_record("v=STSv1; id=abc; x=\x01"));
}

TEST(MtaStsRecord, ExactlyOneStsRecordCounts) {
  EXPECT_EQ(select_record({"v=spf1 -all", "v=STSv1; id=1;"}), "1");
  EXPECT_FALSE(select_record({"v=STSv1; id=1;", "v=STSv1; id=2;"}));  // §3.1: not one → no policy
  EXPECT_FALSE(select_record({"v=STSv1; id=bad-id"}));
  EXPECT_FALSE(select_record({}));
  EXPECT_FALSE(select_record({"v=STSv10; id=1"}));  // does not begin with "v=STSv1;"
}

TEST(MtaStsPolicy, RfcExample) {
  auto r = parse_policy("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\n"
                        "mx: backupmx.example.com\r\nmax_age: 604800\r\n");
  ASSERT_TRUE(r.policy) << r.error;
  EXPECT_EQ(r.policy->mode, Mode::Enforce);
  EXPECT_EQ(r.policy->max_age, 604800);
  EXPECT_EQ(r.policy->mx, (std::vector<std::string>{"mail.example.com", "*.example.net", "backupmx.example.com"}));
}

TEST(MtaStsPolicy, LfLinesUnknownKeysDuplicatesAndCase) {
  auto r = parse_policy("version: STSv1\nmode:testing\nmode: enforce\nfoo-bar: anything goes here\n"
                        "mx:   MX1.Example.COM  \nmax_age: 86400\nmax_age: 1");
  ASSERT_TRUE(r.policy) << r.error;
  EXPECT_EQ(r.policy->mode, Mode::Testing);  // §3.2: the first of a duplicated field
  EXPECT_EQ(r.policy->max_age, 86400);
  EXPECT_EQ(r.policy->mx, std::vector<std::string>{"mx1.example.com"});
  auto none = parse_policy("version: STSv1\nmode: none\nmax_age: 0\n");
  ASSERT_TRUE(none.policy) << none.error;  // mx may be absent with mode none
  EXPECT_EQ(none.policy->mode, Mode::None);
  auto big = parse_policy("version: STSv1\nmode: enforce\nmx: a.test\nmax_age: 9999999999\n");
  ASSERT_TRUE(big.policy);
  EXPECT_EQ(big.policy->max_age, kMaxMaxAge);
}

TEST(MtaStsPolicy, Malformed) {
  auto error = [](std::string_view body) {
    auto r = parse_policy(body);
    EXPECT_FALSE(r.policy) << body;
    return r.error;
  };
  EXPECT_EQ(error(""), "no version field");
  EXPECT_EQ(error("version: STSv2\nmode: enforce\nmx: a.test\nmax_age: 1\n"), "unsupported version STSv2");
  EXPECT_EQ(error("version: STSv1\nmx: a.test\nmax_age: 1\n"), "no mode field");
  EXPECT_EQ(error("version: STSv1\nmode: strict\nmx: a.test\nmax_age: 1\n"), "unknown mode strict");
  EXPECT_EQ(error("version: STSv1\nmode: enforce\nmx: a.test\n"), "no max_age field");
  EXPECT_EQ(error("version: STSv1\nmode: enforce\nmx: a.test\nmax_age: -1\n"), "malformed max_age");
  EXPECT_EQ(error("version: STSv1\nmode: enforce\nmx: a.test\nmax_age: 12345678901\n"), "malformed max_age");
  EXPECT_EQ(error("version: STSv1\nmode: enforce\nmax_age: 1\n"), "no mx field");
  EXPECT_EQ(error("version: STSv1\nmode: enforce\nmx: *.*.a.test\nmax_age: 1\n"), "malformed mx pattern: *.*.a.test");
  EXPECT_EQ(error("version: STSv1\nmode: enforce\nmx: a..test\nmax_age: 1\n"), "malformed mx pattern: a..test");
  EXPECT_EQ(error("<html>\nversion: STSv1\n"), "line without \"key: value\": <html>");
  EXPECT_EQ(error(std::string(kMaxPolicySize + 1, 'a')), "policy larger than 64 KiB");
  std::string many = "version: STSv1\nmode: enforce\nmax_age: 1\n";
  for (int i = 0; i < 101; ++i) many += "mx: a" + std::to_string(i) + ".test\n";
  EXPECT_EQ(error(many), "more than 100 mx patterns");
}

TEST(MtaStsMatch, WildcardIsExactlyTheLeftMostLabel) {
  // §4.1: "*.example.com" matches "mail.example.com" but not "example.com" or "foo.bar.example.com".
  EXPECT_TRUE(host_matches("*.example.com", "mail.example.com"));
  EXPECT_FALSE(host_matches("*.example.com", "example.com"));
  EXPECT_FALSE(host_matches("*.example.com", "foo.bar.example.com"));
  EXPECT_TRUE(host_matches("mail.example.com", "MAIL.Example.com."));
  EXPECT_FALSE(host_matches("mail.example.com", "mail.example.com.evil"));
  EXPECT_FALSE(host_matches("*.example.com", ".example.com"));
  Policy p;
  p.mx = {"mx1.a.test", "*.b.test"};
  EXPECT_TRUE(mx_allowed(p, "mx1.a.test"));
  EXPECT_TRUE(mx_allowed(p, "x.b.test"));
  EXPECT_FALSE(mx_allowed(p, "mx2.a.test"));
}

TEST(MtaStsDecide, CacheRules) {
  Cached c{"id1", Policy{Mode::Enforce, {"mx.a.test"}, 1000}, 10000};
  const std::optional<Cached> cached = c;
  EXPECT_EQ(decide(std::nullopt, std::nullopt, 10500), Step::NoPolicy);
  EXPECT_EQ(decide(std::nullopt, "id1", 10500), Step::Fetch);
  EXPECT_EQ(decide(cached, "id1", 10500), Step::UseCached);  // same id, fresh
  EXPECT_EQ(decide(cached, "id2", 10500), Step::Fetch);      // §5: a new id is fetched
  EXPECT_EQ(decide(cached, std::nullopt, 10500), Step::UseCached);  // TXT gone: cache still applies
  EXPECT_EQ(decide(cached, std::nullopt, 11000), Step::NoPolicy);   // ... until max_age
  EXPECT_EQ(decide(cached, "id1", 11000), Step::Fetch);      // expired
  Cached year = c;
  year.policy.max_age = kMaxMaxAge;
  EXPECT_EQ(decide(year, "id1", 10000 + kRefreshSeconds), Step::Fetch);  // refreshed once a day
  // A failed fetch of this id is not repeated within five minutes; the cache serves meanwhile.
  EXPECT_EQ(decide(cached, "id2", 10500, 10400), Step::UseCached);
  EXPECT_EQ(decide(std::nullopt, "id2", 10500, 10400), Step::NoPolicy);
  EXPECT_EQ(decide(cached, "id2", 10500, 10500 - kFetchRetrySeconds), Step::Fetch);
}

TEST(MtaStsContentType, TextPlainWithParameters) {
  EXPECT_TRUE(content_type_ok("text/plain"));
  EXPECT_TRUE(content_type_ok("Text/Plain; charset=utf-8"));
  EXPECT_FALSE(content_type_ok("text/html"));
  EXPECT_FALSE(content_type_ok(""));
}

class MtaStsFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = stdfs::temp_directory_path() / ("postamt-mta-sts-" + std::to_string(::getpid()) + "-" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    stdfs::remove_all(dir_);
    stdfs::create_directories(dir_);
  }
  void TearDown() override { stdfs::remove_all(dir_); }
  stdfs::path dir_;
};

TEST_F(MtaStsFiles, CacheSurvivesReopeningNextToTheQueue) {
  QueueStore store(dir_);  // the same queue.sqlite, component "queue"
  {
    Cache cache(dir_ / "queue.sqlite");
    EXPECT_FALSE(cache.get("a.test"));
    cache.put("a.test", Cached{"id1", Policy{Mode::Enforce, {"mx.a.test", "*.b.test"}, 3600}, 42});
    cache.put("a.test", Cached{"id2", Policy{Mode::Testing, {"mx.a.test"}, 7200}, 43});  // replaces
  }
  Cache again(dir_ / "queue.sqlite");
  auto c = again.get("a.test");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, "id2");
  EXPECT_EQ(c->policy.mode, Mode::Testing);
  EXPECT_EQ(c->policy.mx, std::vector<std::string>{"mx.a.test"});
  EXPECT_EQ(c->policy.max_age, 7200);
  EXPECT_EQ(c->fetched, 43);
}

class MtaStsFetch : public MtaStsFiles {
 protected:
  FetchResult fetch(const std::string& response, const std::string& cert_name = "mta-sts.a.test") {
    auto [cert, key] = testing::make_cert(dir_, cert_name);
    testing::HttpsServer server(cert, key, response);
    boost::asio::ssl::context tls(boost::asio::ssl::context::tls_client);
    tls.load_verify_file(cert.string());
    FetchRequest rq{"mta-sts.a.test", {"127.0.0.1"}, server.port, std::chrono::seconds(5)};
    return fetch_policy(tls, rq);
  }
};

TEST_F(MtaStsFetch, GetsThePolicyText) {
  std::string body = "version: STSv1\r\nmode: enforce\r\nmx: mx.a.test\r\nmax_age: 86400\r\n";
  auto r = fetch(testing::http_response(body, "200 OK", "text/plain; charset=utf-8"));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.body, body);
}

TEST_F(MtaStsFetch, RefusesRedirectsOtherTypesWrongNamesAndBigBodies) {
  auto r = fetch("HTTP/1.1 301 Moved\r\nLocation: https://elsewhere.test/\r\nContent-Length: 0\r\n\r\n");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "HTTP 301 from mta-sts.a.test");  // §3.3: no redirects
  r = fetch(testing::http_response("<html></html>", "200 OK", "text/html"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "Content-Type is not text/plain: text/html");
  r = fetch(testing::http_response(std::string(kMaxPolicySize + 1, 'x')));
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("read 127.0.0.1"), std::string::npos) << r.error;
  r = fetch(testing::http_response("version: STSv1\n"), "mta-sts.other.test");  // §3.3: name must match
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("TLS 127.0.0.1"), std::string::npos) << r.error;
}

TEST_F(MtaStsFetch, UnreachableHostFailsWithinTheTimeout) {
  boost::asio::ssl::context tls(boost::asio::ssl::context::tls_client);
  FetchRequest rq{"mta-sts.a.test", {"127.0.0.1"}, 1, std::chrono::seconds(2)};  // nothing on port 1
  auto r = fetch_policy(tls, rq);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("connect 127.0.0.1"), std::string::npos) << r.error;
  rq.addresses.clear();
  EXPECT_EQ(fetch_policy(tls, rq).error, "no address for mta-sts.a.test");
}

}  // namespace
}  // namespace postamt::queue::mta_sts
