// The c-ares resolver against a real DNS server: dnsmasq (Debian dnsmasq-base) started on a loopback
// port with MX, A, AAAA and TXT records; skipped when dnsmasq is not installed.
#include "dns/ares_resolver.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "dns/mx.hpp"

namespace postamt::dns {
namespace {

const char* find_dnsmasq() {
  for (const char* p : {"/usr/sbin/dnsmasq", "/usr/bin/dnsmasq", "/sbin/dnsmasq"})
    if (std::filesystem::exists(p)) return p;
  return nullptr;
}

class Dnsmasq : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* bin = find_dnsmasq();
    if (!bin) GTEST_SKIP() << "dnsmasq not installed";
    // A port that another process holds makes dnsmasq exit: then the next candidate is tried.
    for (int attempt = 0; attempt < 5; ++attempt) {
      port_ = 20000 + static_cast<int>((::getpid() * 7 + attempt * 7919) % 40000);
      if (start(bin)) return;
    }
    FAIL() << "dnsmasq did not start";
  }

  bool start(const char* bin) {
    std::string port = "--port=" + std::to_string(port_);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl(bin, bin, "--keep-in-foreground", "--no-resolv", "--no-hosts", "--bind-interfaces",
              "--listen-address=127.0.0.1", "--user=root", "--pid-file=", port.c_str(),
              "--mx-host=mail.test,mx1.mail.test,10", "--mx-host=mail.test,mx2.mail.test,20",
              "--host-record=mx1.mail.test,127.0.0.1", "--host-record=mx2.mail.test,127.0.0.2,::1",
              "--host-record=plain.test,127.0.0.3", "--txt-record=txt.test,v=spf1 -all",
              "--local=/test/", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ResolverOptions o;
    o.servers = {"127.0.0.1:" + std::to_string(port_)};
    o.timeout = std::chrono::milliseconds(300);
    resolver_ = std::make_unique<AresResolver>(o);
    for (int i = 0; i < 50; ++i) {  // wait until it answers
      if (resolver_->a("mx1.mail.test").ok()) return true;
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    return false;
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  int port_ = 0;
  pid_t pid_ = -1;
  std::unique_ptr<AresResolver> resolver_;
};

TEST_F(Dnsmasq, AnswersMxATxt) {
  auto mx = resolver_->mx("mail.test");
  ASSERT_EQ(mx.status, Status::Ok) << mx.error;
  ASSERT_EQ(mx.records.size(), 2u);
  auto a = resolver_->a("mx2.mail.test");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.records.front(), "127.0.0.2");
  auto aaaa = resolver_->aaaa("mx2.mail.test");
  ASSERT_TRUE(aaaa.ok());
  EXPECT_EQ(aaaa.records.front(), "::1");
  auto txt = resolver_->txt("txt.test");
  ASSERT_TRUE(txt.ok());
  EXPECT_EQ(txt.records.front(), "v=spf1 -all");
  EXPECT_EQ(resolver_->a("nothing.test").status, Status::NxDomain);
}

TEST_F(Dnsmasq, RoutesByMx) {
  RouteOptions o;
  o.shuffle = [](std::vector<Target>&) {};
  auto route = route_domain(*resolver_, "mail.test", o);
  ASSERT_EQ(route.kind, Route::Kind::Ok) << route.error;
  ASSERT_EQ(route.targets.size(), 2u);
  EXPECT_EQ(route.targets[0].host, "mx1.mail.test");
  EXPECT_EQ(route.targets[1].addresses, (std::vector<std::string>{"127.0.0.2", "::1"}));
  auto plain = route_domain(*resolver_, "plain.test", o);
  ASSERT_EQ(plain.kind, Route::Kind::Ok) << plain.error;
  EXPECT_EQ(plain.targets[0].addresses.front(), "127.0.0.3");
}

TEST(AresResolver, TimesOutAgainstASilentServer) {
  ResolverOptions o;
  o.servers = {"127.0.0.1:9"};  // discard port: nothing answers (ICMP refused or silence)
  o.timeout = std::chrono::milliseconds(200);
  o.tries = 1;
  AresResolver r(o);
  auto start = std::chrono::steady_clock::now();
  auto a = r.a("example.test");
  EXPECT_EQ(a.status, Status::TempFail);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(AresResolver, RejectsMalformedServerAndName) {
  EXPECT_THROW(AresResolver(ResolverOptions{{"1.2.3.4, 5.6.7.8"}, std::chrono::milliseconds(100), 1}),
               std::runtime_error);
  AresResolver r(ResolverOptions{{"127.0.0.1:9"}, std::chrono::milliseconds(100), 1});
  EXPECT_EQ(r.mx("").status, Status::PermFail);
  EXPECT_EQ(r.mx(std::string(300, 'x')).status, Status::PermFail);
}

}  // namespace
}  // namespace postamt::dns
