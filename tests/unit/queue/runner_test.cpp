// One delivery attempt of the queue runner against a fake resolver and a scripted SMTP server:
// delivered entries leave the queue, temporary failures are rescheduled with backoff, permanent ones
// and expiry bounce to the sender (RFC 3464) unless NOTIFY=NEVER or the sender is <>, null MX fails,
// bounces to local senders go through the local-delivery hook; MTA-STS policies (RFC 8461) served by
// a local HTTPS server: enforce skips MX hosts not in the policy and requires verified TLS, testing
// delivers, the cached policy applies when the policy host is gone.
#include "queue/runner.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <thread>

#include "https_server.hpp"
#include "queue/mta_sts_lookup.hpp"

namespace postamt::queue {
namespace {
namespace stdfs = std::filesystem;

class FakeResolver : public dns::Resolver {
 public:
  std::map<std::string, dns::Answer<dns::Mx>> mxs;
  std::map<std::string, dns::Answer<std::string>> as;
  dns::Answer<dns::Mx> mx(std::string_view n) override { return get(mxs, n); }
  dns::Answer<std::string> a(std::string_view n) override { return get(as, n); }
  dns::Answer<std::string> aaaa(std::string_view) override { return {dns::Status::NoData, {}, ""}; }
  std::map<std::string, dns::Answer<std::string>> txts;
  dns::Answer<std::string> txt(std::string_view n) override {
    auto it = txts.find(std::string(n));
    return it == txts.end() ? dns::Answer<std::string>{} : it->second;
  }

 private:
  template <class T>
  dns::Answer<T> get(const std::map<std::string, dns::Answer<T>>& m, std::string_view n) {
    auto it = m.find(std::string(n));
    return it == m.end() ? dns::Answer<T>{dns::Status::NxDomain, {}, "nxdomain"} : it->second;
  }
};

using Replies = std::map<std::string, std::string>;

// A one-connection SMTP server answering RCPT per address from `rcpt_replies` (default 250).
class Server {
 public:
  explicit Server(std::map<std::string, std::string> rcpt_replies = {}, bool dsn = false)
      : replies_(std::move(rcpt_replies)), dsn_(dsn) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 1);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~Server() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  std::uint16_t port = 0;
  std::string data;
  std::atomic<int> transactions{0};

 private:
  void serve() {
    int c = ::accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    auto line = [&] {
      std::string l;
      char ch;
      while (::recv(c, &ch, 1, 0) == 1 && ch != '\n') l += ch;
      if (!l.empty() && l.back() == '\r') l.pop_back();
      return l;
    };
    auto send = [&](const std::string& s) { ::send(c, s.data(), s.size(), MSG_NOSIGNAL); };
    send("220 mx ESMTP\r\n");
    for (std::string l = line(); !l.empty(); l = line()) {
      if (l.rfind("EHLO", 0) == 0) {
        send(dsn_ ? "250-mx\r\n250-DSN\r\n250 8BITMIME\r\n" : "250-mx\r\n250 8BITMIME\r\n");
      } else if (l.rfind("RCPT TO:<", 0) == 0) {
        std::string addr = l.substr(9, l.find('>') - 9);
        auto it = replies_.find(addr);
        send((it == replies_.end() ? std::string("250 2.1.5 ok") : it->second) + "\r\n");
      } else if (l == "DATA") {
        ++transactions;
        send("354 go\r\n");
        for (std::string d = line(); d != "."; d = line()) data += d + "\n";
        send("250 2.0.0 accepted\r\n");
      } else if (l == "QUIT") {
        send("221 bye\r\n");
        break;
      } else {
        send("250 ok\r\n");
      }
    }
    ::close(c);
  }
  std::map<std::string, std::string> replies_;
  bool dsn_ = false;
  int fd_;
  std::thread thread_;
};

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = stdfs::temp_directory_path() / ("postamt-runner-" + std::to_string(::getpid()) + "-" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    stdfs::remove_all(dir_);
    store_ = std::make_unique<QueueStore>(dir_);
    resolver_ = std::make_shared<FakeResolver>();
    resolver_->mxs["b.test"] = {dns::Status::Ok, {{10, "mx.b.test"}}, ""};
    resolver_->as["mx.b.test"] = {dns::Status::Ok, {"127.0.0.1"}, ""};
    resolver_->mxs["nomail.test"] = {dns::Status::Ok, {{0, ""}}, ""};
    config_.retry_initial_seconds = 60;
    config_.retry_max_seconds = 600;
    config_.smtp_timeout_seconds = 5;
    config_.tls = "none";
  }
  void TearDown() override {
    store_.reset();
    stdfs::remove_all(dir_);
  }
  Runner runner(std::uint16_t port) {
    config_.remote_port = port;
    RunnerHooks hooks;
    hooks.is_local_domain = [](const std::string& d) { return d == "a.test"; };
    hooks.deliver_local = [this](const std::string& sender, const std::vector<std::string>& rcpts, std::string_view raw) {
      local_.push_back({sender, std::string(raw)});
      std::vector<LocalOutcome> out;
      for (const auto& r : rcpts) out.push_back({r, LocalOutcome::Kind::Delivered, "250 2.0.0 ok"});
      return out;
    };
    return Runner(*store_, config_, "mx.a.test", resolver_, hooks);
  }
  std::string enqueue(std::vector<NewRecipient> rcpts, std::string sender = "alice@a.test") {
    NewMessage m;
    m.sender = sender;
    m.recipients = std::move(rcpts);
    return store_->enqueue(m, "Subject: hello\r\n\r\nbody\r\n");
  }
  // The bounce the last attempt queued for a local sender is delivered by running its job too.
  std::vector<MessageInfo> bounces() {
    std::vector<MessageInfo> out;
    for (auto& m : store_->list())
      if (m.bounce) out.push_back(m);
    return out;
  }

  stdfs::path dir_;
  std::unique_ptr<QueueStore> store_;
  std::shared_ptr<FakeResolver> resolver_;
  config::QueueConfig config_;
  std::vector<std::pair<std::string, std::string>> local_;
};

TEST_F(RunnerTest, DeliveredMessagesLeaveTheQueue) {
  Server srv;
  auto r = runner(srv.port);
  std::string id = enqueue({{"bob@b.test", "", ""}});
  r.attempt(Job{id, "b.test"});
  EXPECT_FALSE(store_->get(id));
  EXPECT_NE(srv.data.find("Subject: hello"), std::string::npos);
  EXPECT_TRUE(bounces().empty());
}

TEST_F(RunnerTest, PermanentFailureBouncesToTheSenderThroughLocalDelivery) {
  Server srv(Replies{{"nobody@b.test", "550 5.1.1 no such user"}});
  auto r = runner(srv.port);
  std::string id = enqueue({{"bob@b.test", "", ""}, {"nobody@b.test", "", "rfc822;Nobody@b.test"}});
  r.attempt(Job{id, "b.test"});
  EXPECT_FALSE(store_->get(id));  // one delivered, one failed: nothing pending
  auto b = bounces();
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].sender, "");
  ASSERT_EQ(b[0].recipients.size(), 1u);
  EXPECT_EQ(b[0].recipients[0].address, "alice@a.test");
  std::string dsn = store_->read_message(b[0].id);
  EXPECT_NE(dsn.find("Final-Recipient: rfc822; nobody@b.test"), std::string::npos);
  EXPECT_NE(dsn.find("Original-Recipient: rfc822; Nobody@b.test"), std::string::npos);
  EXPECT_NE(dsn.find("Status: 5.1.1"), std::string::npos);
  EXPECT_EQ(dsn.find("Final-Recipient: rfc822; bob@b.test"), std::string::npos);
  // The bounce is for a local domain: the hook files it, from <>.
  r.attempt(Job{b[0].id, "a.test"});
  ASSERT_EQ(local_.size(), 1u);
  EXPECT_EQ(local_[0].first, "");
  EXPECT_NE(local_[0].second.find("multipart/report"), std::string::npos);
  EXPECT_TRUE(store_->list().empty());
}

TEST_F(RunnerTest, NotifyNeverAndNullSenderGetNoBounce) {
  {
    Server srv(Replies{{"nobody@b.test", "550 5.1.1 no such user"}});
    auto r = runner(srv.port);
    std::string id = enqueue({{"nobody@b.test", "NEVER", ""}});
    r.attempt(Job{id, "b.test"});
    EXPECT_FALSE(store_->get(id));
  }
  {
    Server srv(Replies{{"nobody@b.test", "550 5.1.1 no such user"}});
    auto r = runner(srv.port);
    std::string id = enqueue({{"nobody@b.test", "", ""}}, "");
    r.attempt(Job{id, "b.test"});
    EXPECT_FALSE(store_->get(id));
  }
  EXPECT_TRUE(bounces().empty());
}

TEST_F(RunnerTest, TemporaryFailureIsRescheduledWithBackoff) {
  Server srv(Replies{{"bob@b.test", "452 4.2.2 mailbox full"}});
  auto r = runner(srv.port);
  std::string id = enqueue({{"bob@b.test", "", ""}});
  auto before = std::time(nullptr);
  r.attempt(Job{id, "b.test"});
  auto m = store_->get(id);
  ASSERT_TRUE(m);
  const auto& rc = m->recipients[0];
  EXPECT_EQ(rc.state, RcptState::Pending);
  EXPECT_EQ(rc.attempts, 1);
  EXPECT_EQ(rc.last_reply, "452 4.2.2 mailbox full");
  EXPECT_GE(rc.next_attempt, before + 60);
  EXPECT_LE(rc.next_attempt, std::time(nullptr) + 60);
  EXPECT_NE(rc.remote_mta.find("mx.b.test"), std::string::npos);
  EXPECT_TRUE(bounces().empty());
  EXPECT_TRUE(store_->due(std::time(nullptr), 10).empty());
}

TEST_F(RunnerTest, UnreachableHostIsTemporaryThenExpires) {
  config_.max_age_seconds = 0;  // everything is expired: the first temporary failure is final
  auto r = runner(1);           // port 1: connection refused
  std::string id = enqueue({{"bob@b.test", "", ""}});
  r.attempt(Job{id, "b.test"});
  EXPECT_FALSE(store_->get(id));
  auto b = bounces();
  ASSERT_EQ(b.size(), 1u);
  std::string dsn = store_->read_message(b[0].id);
  EXPECT_NE(dsn.find("Status: 5.4.1"), std::string::npos) << dsn;
  EXPECT_NE(dsn.find("gave up"), std::string::npos);
}

TEST_F(RunnerTest, NullMxFailsAtOnce) {
  auto r = runner(1);
  std::string id = enqueue({{"x@nomail.test", "", ""}});
  r.attempt(Job{id, "nomail.test"});
  EXPECT_FALSE(store_->get(id));
  auto b = bounces();
  ASSERT_EQ(b.size(), 1u);
  EXPECT_NE(store_->read_message(b[0].id).find("Status: 5.1.10"), std::string::npos);
}

TEST_F(RunnerTest, WorkersReuseTheConnectionForTheNextMessageToTheDomain) {
  Server srv;  // accepts one connection only: the second message must ride on it
  config_.workers = 1;
  std::string one = enqueue({{"bob@b.test", "", ""}});
  std::string two = enqueue({{"carol@b.test", "", ""}});
  auto r = runner(srv.port);
  r.start();
  for (int i = 0; i < 100 && !store_->list().empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  r.stop();
  EXPECT_TRUE(store_->list().empty());
  EXPECT_EQ(srv.transactions, 2);
}

TEST_F(RunnerTest, MailLoopingBackToUsFails) {
  // RFC 5321 §5.1: we (mx.a.test) are the best MX of loop.test: nobody to hand the mail to.
  resolver_->mxs["loop.test"] = {dns::Status::Ok, {{10, "mx.a.test"}, {20, "backup.loop.test"}}, ""};
  resolver_->as["mx.a.test"] = {dns::Status::Ok, {"127.0.0.1"}, ""};
  resolver_->as["backup.loop.test"] = {dns::Status::Ok, {"127.0.0.1"}, ""};
  auto r = runner(1);
  std::string id = enqueue({{"x@loop.test", "", ""}});
  r.attempt(Job{id, "loop.test"});
  EXPECT_FALSE(store_->get(id));
  auto b = bounces();
  ASSERT_EQ(b.size(), 1u);
  EXPECT_NE(store_->read_message(b[0].id).find("Status: 5.4.6"), std::string::npos);
}

TEST_F(RunnerTest, NotifySuccessGetsARelayedReportFromAPeerWithoutDsn) {
  {
    Server srv;
    auto r = runner(srv.port);
    std::string id = enqueue({{"bob@b.test", "SUCCESS,FAILURE", "rfc822;bob@b.test"}, {"carol@b.test", "", ""}});
    r.attempt(Job{id, "b.test"});
  }
  auto b = bounces();
  ASSERT_EQ(b.size(), 1u);
  std::string dsn = store_->read_message(b[0].id);
  EXPECT_NE(dsn.find("Subject: Successful Mail Delivery Report"), std::string::npos);
  EXPECT_NE(dsn.find("Final-Recipient: rfc822; bob@b.test\r\nOriginal-Recipient: rfc822; bob@b.test\r\n"
                     "Action: relayed\r\nStatus: 2.0.0"), std::string::npos) << dsn;
  EXPECT_EQ(dsn.find("carol@b.test"), std::string::npos);
  EXPECT_NE(dsn.find("text/rfc822-headers"), std::string::npos);
  EXPECT_EQ(dsn.find("body"), std::string::npos);
  store_->remove(b[0].id);
  // A peer that offers DSN gets NOTIFY passed on and reports itself: no report from us.
  Server with_dsn(Replies{}, true);
  auto r = runner(with_dsn.port);
  std::string id = enqueue({{"bob@b.test", "SUCCESS", ""}});
  r.attempt(Job{id, "b.test"});
  EXPECT_TRUE(bounces().empty());
}

TEST_F(RunnerTest, UnreadableQueueFileIsRetriedWithBackoffAndBouncedAtExpiry) {
  auto r = runner(1);
  std::string id = enqueue({{"bob@b.test", "", ""}});
  stdfs::remove(store_->message_path(id));
  r.attempt(Job{id, "b.test"});
  auto m = store_->get(id);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->recipients[0].last_reply, "451 4.3.0 queue file unreadable");
  EXPECT_GT(m->recipients[0].next_attempt, std::time(nullptr));
  config_.max_age_seconds = 0;
  auto expired = runner(1);
  store_->flush(id);
  expired.attempt(Job{id, "b.test"});
  EXPECT_FALSE(store_->get(id));
  auto b = bounces();
  ASSERT_EQ(b.size(), 1u);
  EXPECT_NE(store_->read_message(b[0].id).find("could not be read"), std::string::npos);
}

TEST_F(RunnerTest, HeldMessagesAreNotAttempted) {
  auto r = runner(1);
  std::string id = enqueue({{"bob@b.test", "", ""}});
  store_->set_held(id, true);
  r.attempt(Job{id, "b.test"});
  EXPECT_EQ(store_->get(id)->recipients[0].attempts, 0);
}

}  // namespace
}  // namespace postamt::queue

namespace postamt::queue {
namespace {

class MtaStsRunnerTest : public RunnerTest {
 protected:
  void SetUp() override {
    RunnerTest::SetUp();
    std::tie(cert_, key_) = testing::make_cert(dir_ / "certs", "mta-sts.b.test");
    config_.mta_sts_ca_file = cert_;
    resolver_->as["mta-sts.b.test"] = {dns::Status::Ok, {"127.0.0.1"}, ""};
    publish("v=STSv1; id=1;");
  }
  void publish(const std::string& txt) { resolver_->txts["_mta-sts.b.test"] = {dns::Status::Ok, {txt}, ""}; }
  std::unique_ptr<testing::HttpsServer> policy(const std::string& mode, const std::string& mx) {
    return std::make_unique<testing::HttpsServer>(
        cert_, key_, testing::http_response("version: STSv1\nmode: " + mode + "\nmx: " + mx + "\nmax_age: 86400\n"));
  }
  std::string pending_reply(const std::string& id) {
    auto m = store_->get(id);
    if (!m || m->recipients.empty()) return "(not queued)";
    return m->recipients[0].last_reply;
  }
  stdfs::path cert_, key_;
};

TEST_F(MtaStsRunnerTest, EnforceSkipsMxHostsNotInThePolicyAndTheCacheKeepsItWhenTheHostIsGone) {
  Server srv;
  auto https = policy("enforce", "mx.elsewhere.test");
  auto r = runner(srv.port);
  r.mta_sts_lookup()->port = https->port;
  std::string id = enqueue({{"bob@b.test", "", ""}});
  r.attempt(Job{id, "b.test"});
  EXPECT_EQ(https->requests, 1);
  EXPECT_EQ(srv.transactions, 0);
  EXPECT_EQ(pending_reply(id), "451 4.7.5 MTA-STS: the policy of b.test allows none of its MX hosts");
  EXPECT_TRUE(bounces().empty());  // §5: temporary
  // The policy host goes away: the cached policy (same id, not expired) still applies, also after a
  // restart (a new Runner on the same queue.sqlite).
  https.reset();
  store_->flush("");
  auto r2 = runner(srv.port);
  r2.mta_sts_lookup()->port = 1;
  r2.attempt(Job{id, "b.test"});
  EXPECT_EQ(srv.transactions, 0);
  EXPECT_EQ(pending_reply(id), "451 4.7.5 MTA-STS: the policy of b.test allows none of its MX hosts");
  // A new id names a new policy that allows the host: fetched, and the message goes out... over TLS,
  // which this server does not offer, so it still waits (enforce requires verified STARTTLS).
  auto https2 = policy("enforce", "*.b.test");
  r2.mta_sts_lookup()->port = https2->port;
  publish("v=STSv1; id=2;");
  store_->flush("");
  r2.attempt(Job{id, "b.test"});
  EXPECT_EQ(https2->requests, 1);
  EXPECT_EQ(srv.transactions, 0);
  EXPECT_EQ(pending_reply(id), "451 4.7.5 TLS required by policy but not offered by the server");
}

TEST_F(MtaStsRunnerTest, TestingModeDeliversAnyway) {
  Server srv;
  auto https = policy("testing", "mx.elsewhere.test");
  auto r = runner(srv.port);
  r.mta_sts_lookup()->port = https->port;
  std::string id = enqueue({{"bob@b.test", "", ""}});
  r.attempt(Job{id, "b.test"});
  EXPECT_EQ(https->requests, 1);
  EXPECT_EQ(srv.transactions, 1);
  EXPECT_FALSE(store_->get(id));
}

TEST_F(MtaStsRunnerTest, ConfiguredTlsPolicyOrMtaStsOffSkipTheLookup) {
  auto https = policy("enforce", "mx.elsewhere.test");
  {
    Server srv;
    config_.tls_policy = {{"b.test", "none"}};
    auto r = runner(srv.port);
    r.mta_sts_lookup()->port = https->port;
    std::string id = enqueue({{"bob@b.test", "", ""}});
    r.attempt(Job{id, "b.test"});
    EXPECT_EQ(srv.transactions, 1);
  }
  {
    Server srv;
    config_.tls_policy.clear();
    config_.mta_sts = false;
    auto r = runner(srv.port);
    EXPECT_EQ(r.mta_sts_lookup(), nullptr);
    std::string id = enqueue({{"bob@b.test", "", ""}});
    r.attempt(Job{id, "b.test"});
    EXPECT_EQ(srv.transactions, 1);
  }
  EXPECT_EQ(https->requests, 0);
}

TEST_F(MtaStsRunnerTest, UnfetchablePolicyWithoutCacheDeliversAsWithoutMtaSts) {
  Server srv;
  auto r = runner(srv.port);
  r.mta_sts_lookup()->port = 1;  // §3.3: no policy fetched and none cached: deliver normally
  std::string id = enqueue({{"bob@b.test", "", ""}});
  r.attempt(Job{id, "b.test"});
  EXPECT_EQ(srv.transactions, 1);
  EXPECT_FALSE(store_->get(id));
}

}  // namespace
}  // namespace postamt::queue
