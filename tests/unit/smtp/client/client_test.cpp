// The SMTP client against a scripted server on a loopback socket: the exact commands it sends
// (pipelined or not), per-recipient results, the RFCs' rules when the peer lacks an extension, TLS
// policy without STARTTLS, and timeouts.
#include "smtp/client/client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <thread>

namespace postamt::smtp::client {
namespace {

// One accepted connection: line reads and raw writes over a blocking socket.
class Peer {
 public:
  explicit Peer(int fd) : fd_(fd) {}
  std::string line() {
    std::string l;
    char c;
    while (::recv(fd_, &c, 1, 0) == 1) {
      l += c;
      if (c == '\n') break;
    }
    if (!l.empty() && l.back() == '\n') l.pop_back();
    if (!l.empty() && l.back() == '\r') l.pop_back();
    log += l + "\n";
    return l;
  }
  // Reads up to and including the end-of-data line; returns the data as sent (still stuffed).
  std::string data() {
    std::string d;
    for (std::string l = line(); l != "."; l = line()) d += l + "\r\n";
    return d;
  }
  void send(const std::string& s) { ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL); }
  std::string log;

 private:
  int fd_;
};

class ScriptedServer {
 public:
  explicit ScriptedServer(std::function<void(Peer&)> script) {
    listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_, 1);
    socklen_t len = sizeof a;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    thread_ = std::thread([this, script] {
      int fd = ::accept(listen_, nullptr, nullptr);
      if (fd < 0) return;
      Peer p(fd);
      script(p);
      log = p.log;
      ::close(fd);
    });
  }
  ~ScriptedServer() {
    ::shutdown(listen_, SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
    ::close(listen_);
  }
  void join() { thread_.join(); }
  std::uint16_t port = 0;
  std::string log;

 private:
  int listen_;
  std::thread thread_;
};

Options options(std::uint16_t port) {
  Options o;
  o.helo_name = "client.test";
  o.port = port;
  o.tls = TlsPolicy::None;
  o.timeout = std::chrono::seconds(5);
  return o;
}

Envelope envelope() {
  Envelope e;
  e.sender = "alice@a.test";
  e.recipients = {{"bob@b.test", "FAILURE", "rfc822;bob@b.test"}, {"nobody@b.test", "", ""}};
  e.envid = "id 1";
  e.ret = "HDRS";
  return e;
}

TEST(Client, PipelinedTransactionWithPerRecipientResults) {
  std::string received;
  ScriptedServer srv([&](Peer& p) {
    p.send("220 mx.b.test ESMTP\r\n");
    p.line();
    p.send("250-mx.b.test\r\n250-PIPELINING\r\n250-SIZE 100000\r\n250-8BITMIME\r\n250 DSN\r\n");
    p.line();  // MAIL
    p.line();  // RCPT
    p.line();  // RCPT
    p.line();  // DATA
    p.send("250 2.1.0 ok\r\n250 2.1.5 ok\r\n550 5.1.1 no such user\r\n354 go\r\n");
    received = p.data();
    p.send("250 2.0.0 queued as X\r\n");
    p.line();
    p.send("221 bye\r\n");
  });
  auto at = deliver("127.0.0.1", options(srv.port), envelope(), "Subject: x\r\n\r\n.dot\r\nbody\r\n");
  srv.join();
  EXPECT_TRUE(at.connected);
  EXPECT_EQ(at.error, "");
  ASSERT_EQ(at.recipients.size(), 2u);
  EXPECT_EQ(at.recipients[0].reply.code, 250);
  EXPECT_EQ(at.recipients[0].reply.str(), "250 2.0.0 queued as X");
  EXPECT_EQ(at.recipients[1].reply.code, 550);
  EXPECT_EQ(received, "Subject: x\r\n\r\n..dot\r\nbody\r\n");
  EXPECT_NE(srv.log.find("EHLO client.test\n"), std::string::npos);
  EXPECT_NE(srv.log.find("MAIL FROM:<alice@a.test> SIZE=26 RET=HDRS ENVID=id+201\n"), std::string::npos) << srv.log;
  EXPECT_NE(srv.log.find("RCPT TO:<bob@b.test> NOTIFY=FAILURE ORCPT=rfc822;bob@b.test\n"), std::string::npos);
  EXPECT_NE(srv.log.find("RCPT TO:<nobody@b.test>\n"), std::string::npos);
}

TEST(Client, WithoutExtensionsOneCommandAtATimeAndNoDsnParameters) {
  ScriptedServer srv([&](Peer& p) {
    p.send("220 old.test\r\n");
    p.line();
    p.send("500 what is EHLO\r\n");
    p.line();
    p.send("250 old.test\r\n");
    p.line();
    p.send("250 ok\r\n");
    p.line();
    p.send("451 4.3.0 later\r\n");
    p.line();
    p.send("250 ok\r\n");
    p.line();
    p.send("354 go\r\n");
    p.data();
    p.send("250 done\r\n");
    p.line();
    p.send("221 bye\r\n");
  });
  auto at = deliver("127.0.0.1", options(srv.port), envelope(), "Subject: x\r\n\r\nhi\r\n");
  srv.join();
  ASSERT_EQ(at.recipients.size(), 2u);
  EXPECT_EQ(at.recipients[0].reply.code, 451);
  EXPECT_EQ(at.recipients[1].reply.code, 250);
  EXPECT_NE(srv.log.find("HELO client.test\nMAIL FROM:<alice@a.test>\nRCPT TO:<bob@b.test>\n"), std::string::npos)
      << srv.log;
}

TEST(Client, EightBitToASevenBitServerIsRefusedBeforeMail) {
  ScriptedServer srv([&](Peer& p) {
    p.send("220 x\r\n");
    p.line();
    p.send("250-x\r\n250 PIPELINING\r\n");
    p.line();
    p.send("221 bye\r\n");
  });
  auto at = deliver("127.0.0.1", options(srv.port), envelope(), "Subject: caf\xc3\xa9\r\n\r\n\xc3\xa9\r\n");
  srv.join();
  EXPECT_TRUE(at.recipients.empty());
  EXPECT_TRUE(at.permanent);
  EXPECT_EQ(at.session_reply.enhanced(), "5.6.3");
  EXPECT_EQ(srv.log.find("MAIL"), std::string::npos);
}

TEST(Client, Smtputf8AddressNeedsTheExtension) {
  ScriptedServer srv([&](Peer& p) {
    p.send("220 x\r\n");
    p.line();
    p.send("250-x\r\n250 8BITMIME\r\n");
    p.line();
  });
  auto env = envelope();
  env.recipients = {{"j\xc3\xb6rg@b.test", "", ""}};
  auto at = deliver("127.0.0.1", options(srv.port), env, "Subject: x\r\n\r\nhi\r\n");
  srv.join();
  EXPECT_TRUE(at.permanent);
  EXPECT_EQ(at.session_reply.enhanced(), "5.6.7");
}

TEST(Client, Smtputf8FlagWithAnAsciiHeaderGoesToAnyServer) {
  ScriptedServer srv([&](Peer& p) {
    p.send("220 x\r\n");
    p.line();
    p.send("250-x\r\n250 8BITMIME\r\n");
    p.line();
    p.send("250 ok\r\n");
    p.line();
    p.send("250 ok\r\n");
    p.line();
    p.send("250 ok\r\n");
    p.line();
    p.send("354 go\r\n");
    p.data();
    p.send("250 done\r\n");
    p.line();
    p.send("221 bye\r\n");
  });
  auto env = envelope();
  env.smtputf8 = true;
  auto at = deliver("127.0.0.1", options(srv.port), env, "Subject: plain\r\n\r\nbody \xc3\xa9\r\n");
  srv.join();
  ASSERT_EQ(at.recipients.size(), 2u) << at.session_reply.str();
  EXPECT_EQ(at.recipients[0].reply.code, 250);
  EXPECT_NE(srv.log.find("MAIL FROM:<alice@a.test> BODY=8BITMIME\n"), std::string::npos) << srv.log;
}

TEST(Client, Smtputf8HeaderNeedsTheExtension) {
  ScriptedServer srv([&](Peer& p) {
    p.send("220 x\r\n");
    p.line();
    p.send("250-x\r\n250 8BITMIME\r\n");
    p.line();
  });
  auto env = envelope();
  env.smtputf8 = true;
  auto at = deliver("127.0.0.1", options(srv.port), env, "Subject: caf\xc3\xa9\r\n\r\nbody\r\n");
  srv.join();
  EXPECT_TRUE(at.permanent);
  EXPECT_EQ(at.session_reply.enhanced(), "5.6.7");
}

TEST(Client, SizeLimitOfThePeer) {
  ScriptedServer srv([&](Peer& p) {
    p.send("220 x\r\n");
    p.line();
    p.send("250-x\r\n250 SIZE 10\r\n");
    p.line();
  });
  auto at = deliver("127.0.0.1", options(srv.port), envelope(), "Subject: too long\r\n\r\nhi\r\n");
  srv.join();
  EXPECT_TRUE(at.permanent);
  EXPECT_EQ(at.session_reply.code, 552);
}

TEST(Client, RequiredTlsWithoutStarttlsIsATemporaryFailure) {
  boost::asio::ssl::context ctx(boost::asio::ssl::context::tls_client);
  ScriptedServer srv([&](Peer& p) {
    p.send("220 x\r\n");
    p.line();
    p.send("250-x\r\n250 PIPELINING\r\n");
    p.line();
  });
  auto o = options(srv.port);
  o.tls = TlsPolicy::Encrypt;
  o.tls_context = &ctx;
  auto at = deliver("127.0.0.1", o, envelope(), "Subject: x\r\n\r\nhi\r\n");
  srv.join();
  EXPECT_FALSE(at.permanent);
  EXPECT_EQ(at.session_reply.code, 451);
  EXPECT_EQ(at.session_reply.enhanced(), "4.7.5");
  EXPECT_EQ(srv.log.find("MAIL"), std::string::npos);
}

TEST(Client, NegativeGreetingAndMailReply) {
  ScriptedServer srv([&](Peer& p) {
    p.send("554 5.7.1 go away\r\n");
    p.line();
  });
  auto at = deliver("127.0.0.1", options(srv.port), envelope(), "x\r\n");
  srv.join();
  EXPECT_TRUE(at.connected);
  EXPECT_TRUE(at.permanent);
  EXPECT_EQ(at.session_reply.code, 554);
}

TEST(Client, SilentServerTimesOut) {
  ScriptedServer srv([&](Peer& p) { p.line(); });  // never greets; waits for the client to give up
  auto o = options(srv.port);
  o.timeout = std::chrono::milliseconds(300);
  auto start = std::chrono::steady_clock::now();
  auto at = deliver("127.0.0.1", o, envelope(), "x\r\n");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_TRUE(at.connected);
  EXPECT_NE(at.error.find("timed out"), std::string::npos) << at.error;
  EXPECT_TRUE(at.recipients.empty());
}

TEST(Client, ConnectionRefused) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);  // bound once, never listened: connecting is refused
  auto at = deliver("127.0.0.1", options(ntohs(a.sin_port)), envelope(), "x\r\n");
  EXPECT_FALSE(at.connected);
  EXPECT_FALSE(at.error.empty());
}

TEST(Client, TlsPolicyNames) {
  EXPECT_EQ(parse_tls_policy("verify"), TlsPolicy::Verify);
  EXPECT_EQ(parse_tls_policy("may"), TlsPolicy::May);
  EXPECT_FALSE(parse_tls_policy("strict"));
  EXPECT_STREQ(to_string(TlsPolicy::Encrypt), "encrypt");
}

}  // namespace
}  // namespace postamt::smtp::client
