// Server + Transport + LineReader end to end over 127.0.0.1: plain echo, line limits, literals,
// idle timeout, connection limits, TLS sniffing on plain ports, bind errors, skipped listeners, drain.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <boost/asio/ip/tcp.hpp>

#include "net/privileges.hpp"
#include "test_support.hpp"

namespace postamt::net::test {
namespace {

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { register_echo(); }
  config::Config cfg = [] {
    auto c = base_config();
    c.listeners.push_back(listener("echo", config::TlsMode::None));
    return c;
  }();
};

TEST_F(ServerTest, PlainEcho) {
  TestServer server(cfg);
  Client c(server.port("echo", config::TlsMode::None));
  EXPECT_EQ(c.line(), "HELLO echo");
  c.send("hello world\r\n");
  EXPECT_EQ(c.line(), "ECHO hello world");
  c.send("bare\nsecond\r\n");
  EXPECT_EQ(c.line(), "ECHO bare [LF]");
  EXPECT_EQ(c.line(), "ECHO second");
  c.send("INFO\r\n");
  EXPECT_EQ(c.line(), "INFO tls=none sni= discarded=0");
  c.send("QUIT\r\n");
  EXPECT_EQ(c.line(), "BYE");
  EXPECT_EQ(c.line(), "<EOF>");
}

TEST_F(ServerTest, PipelinedCommandsAndLiteral) {
  TestServer server(cfg);
  Client c(server.port("echo", config::TlsMode::None));
  EXPECT_EQ(c.line(), "HELLO echo");
  c.send("LITERAL 5\r\nab\rcdx\r\nQUIT\r\n");  // the literal ends inside the next "line"
  EXPECT_EQ(c.line(), "GOT ab\rcd");
  EXPECT_EQ(c.line(), "ECHO x");
  EXPECT_EQ(c.line(), "BYE");
}

TEST_F(ServerTest, LineTooLongIsReportedAndSessionContinues) {
  cfg.max_line_length = 64;
  TestServer server(cfg);
  Client c(server.port("echo", config::TlsMode::None));
  EXPECT_EQ(c.line(), "HELLO echo");
  c.send(std::string(64, 'x') + "\r\n");  // exactly the limit is fine
  EXPECT_EQ(c.line(), "ECHO " + std::string(64, 'x'));
  c.send(std::string(65, 'y') + "\r\nafter\r\n");
  EXPECT_EQ(c.line(), "ERR line too long");
  EXPECT_EQ(c.line(), "ECHO after");
  // A long line arriving in pieces: reported once, its tail skipped.
  c.send(std::string(200, 'z'));
  EXPECT_EQ(c.line(), "ERR line too long");
  c.send(std::string(300, 'z'));
  c.send("\r\nnext\r\n");
  EXPECT_EQ(c.line(), "ECHO next");
}

TEST_F(ServerTest, IdleTimeoutClosesConnection) {
  cfg.idle_timeout_seconds = 1;
  TestServer server(cfg);
  Client c(server.port("echo", config::TlsMode::None));
  EXPECT_EQ(c.line(), "HELLO echo");
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(c.line(4000ms), "<EOF>");
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 900ms);
  EXPECT_LT(waited, 3500ms);
}

TEST_F(ServerTest, PerIpConnectionLimit) {
  cfg.max_connections_per_ip = 2;
  TestServer server(cfg);
  auto port = server.port("echo", config::TlsMode::None);
  auto a = std::make_unique<Client>(port);
  Client b(port);
  EXPECT_EQ(a->line(), "HELLO echo");
  EXPECT_EQ(b.line(), "HELLO echo");
  Client refused(port);
  EXPECT_EQ(refused.line(), "BUSY");
  EXPECT_EQ(refused.line(), "<EOF>");
  a->send("QUIT\r\n");
  EXPECT_EQ(a->line(), "BYE");
  a.reset();
  // The slot frees once the server has finished the first connection.
  for (int i = 0; i < 100 && server.server().active_connections() > 1; ++i) std::this_thread::sleep_for(20ms);
  Client again(port);
  EXPECT_EQ(again.line(), "HELLO echo");
}

TEST_F(ServerTest, GlobalConnectionLimit) {
  cfg.max_connections = 1;
  TestServer server(cfg);
  auto port = server.port("echo", config::TlsMode::None);
  Client a(port);
  EXPECT_EQ(a.line(), "HELLO echo");
  Client refused(port);
  EXPECT_EQ(refused.line(), "BUSY");
}

TEST_F(ServerTest, TlsClientHelloOnPlainPortIsDetected) {
  cfg.certificates.push_back(self_signed("sniff", "mail.example.com"));
  cfg.listeners.push_back(listener("echo", config::TlsMode::Implicit));
  TestServer server(cfg);
  auto plain = server.port("echo", config::TlsMode::None);
  auto implicit = server.port("echo", config::TlsMode::Implicit);
  testing::internal::CaptureStderr();
  {
    Client c(plain);
    EXPECT_EQ(c.line(), "HELLO echo");
    // The start of a TLS 1.2 ClientHello record: handshake(22), version 3.1, length, client_hello(1).
    c.send(std::string("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 11));
    EXPECT_EQ(c.line(), "<EOF>");
  }
  server.shutdown();
  std::string log = testing::internal::GetCapturedStderr();
  EXPECT_NE(log.find("event=tls_on_plain_port port=" + std::to_string(plain) + " use_port=" + std::to_string(implicit)),
            std::string::npos)
      << log;
}

TEST_F(ServerTest, TextStartingWith0x16IsNotTls) {
  TestServer server(cfg);
  Client c(server.port("echo", config::TlsMode::None));
  EXPECT_EQ(c.line(), "HELLO echo");
  c.send("\x16x\r\n");
  EXPECT_EQ(c.line(), "ECHO \x16x");
}

TEST_F(ServerTest, BindErrorNamesAddressAndPort) {
  asio::io_context io;
  tcp::acceptor taken(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  auto port = taken.local_endpoint().port();
  cfg.listeners[0].port = port;
  cfg.listeners[0].address = "127.0.0.1";
  Server server(cfg);
  try {
    server.bind_all();
    FAIL() << "bind_all succeeded on a taken port";
  } catch (const BindError& e) {
    EXPECT_EQ(std::string(e.what()), "cannot listen on 127.0.0.1:" + std::to_string(port) + ": Address already in use");
  }
}

TEST_F(ServerTest, ListenerWithoutRegisteredProtocolIsSkipped) {
  unregister_protocol("nosuchproto");
  cfg.listeners.push_back(listener("nosuchproto", config::TlsMode::None));
  Server server(cfg);
  testing::internal::CaptureStderr();
  server.bind_all();
  std::string log = testing::internal::GetCapturedStderr();
  ASSERT_EQ(server.bound().size(), 1u);
  EXPECT_EQ(server.bound()[0].protocol, "echo");
  EXPECT_NE(log.find("event=listener_skipped protocol=nosuchproto reason=\"not in this build\""), std::string::npos)
      << log;
}

TEST_F(ServerTest, ImplicitTlsWithoutCertificateIsAnError) {
  cfg.listeners.push_back(listener("echo", config::TlsMode::Implicit));
  Server server(cfg);
  EXPECT_THROW(server.bind_all(), TlsError);
}

TEST_F(ServerTest, StopDrainsThenClosesLingeringConnections) {
  auto server = std::make_unique<TestServer>(cfg, 300ms);
  Client c(server->port("echo", config::TlsMode::None));
  EXPECT_EQ(c.line(), "HELLO echo");
  auto start = std::chrono::steady_clock::now();
  server->shutdown();  // the client stays idle: closed after the drain timeout
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 3000ms);
  EXPECT_EQ(c.line(), "<EOF>");
}

TEST_F(ServerTest, StopWithoutConnectionsIsImmediate) {
  TestServer server(cfg, 5000ms);
  auto start = std::chrono::steady_clock::now();
  server.shutdown();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1000ms);
}

TEST_F(ServerTest, SilentClientOnImplicitTlsPortTimesOut) {
  cfg.idle_timeout_seconds = 1;
  cfg.certificates.push_back(self_signed("silent", "mail.example.com"));
  cfg.listeners.push_back(listener("echo", config::TlsMode::Implicit));
  TestServer server(cfg);
  Client c(server.port("echo", config::TlsMode::Implicit));
  EXPECT_EQ(c.line(4000ms), "<EOF>");  // no greeting before TLS, closed after the handshake deadline
}

TEST(Privileges, DropToUnprivilegedUser) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  EXPECT_FALSE(drop_privileges(""));  // root without [server] user: warning only
  EXPECT_THROW(drop_privileges("no-such-user-postamt"), PrivilegeError);
  EXPECT_THROW(drop_privileges("root"), PrivilegeError);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    bool dropped = false;
    try {
      dropped = drop_privileges("nobody");
    } catch (...) {
      _exit(3);
    }
    _exit(dropped && getuid() != 0 && geteuid() != 0 && setuid(0) != 0 ? 0 : 4);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace postamt::net::test
