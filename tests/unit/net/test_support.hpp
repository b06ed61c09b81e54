// Test fixtures for the net module: certificates made with the openssl CLI, a Server running an echo
// protocol on 127.0.0.1 ephemeral ports, and small blocking-with-timeout clients (plain and TLS).
#pragma once
#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "net/connection.hpp"
#include "net/errors.hpp"
#include "net/protocol_registry.hpp"
#include "net/server.hpp"

namespace postamt::net::test {

namespace ssl = boost::asio::ssl;
namespace stdfs = std::filesystem;
using namespace std::chrono_literals;

inline stdfs::path temp_dir() {
  static stdfs::path dir = [] {
    auto d = stdfs::temp_directory_path() / ("postamt-net-test-" + std::to_string(::getpid()));
    stdfs::create_directories(d);
    return d;
  }();
  return dir;
}

inline void sh(const std::string& cmd) {
  int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
  if (rc != 0) throw std::runtime_error("command failed: " + cmd);
}

// A self-signed EC certificate for `cn` (also its only DNS SAN); returns {cert, key}.
inline config::TlsCertificate self_signed(const std::string& file, const std::string& cn,
                                          const std::string& org = "Example", std::vector<std::string> names = {}) {
  auto dir = temp_dir();
  auto cert = dir / (file + ".crt"), key = dir / (file + ".key");
  sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj '/O=" + org +
     "/CN=" + cn + "' -addext 'subjectAltName=DNS:" + cn + "' -keyout " + key.string() + " -out " + cert.string());
  return config::TlsCertificate{std::move(names), cert, key};
}

// The echo protocol used by every server test (a fixture, not a real protocol):
//   greeting "HELLO <protocol>"; "QUIT" -> "BYE"; "STARTTLS" -> "OK" then TLS; "INFO" -> TLS details;
//   "LITERAL n" -> reads n bytes, "GOT <bytes>"; anything else -> "ECHO <line>" (+ " [LF]" for bare LF);
//   an over-long line -> "ERR line too long" and the session continues.
inline asio::awaitable<void> echo_session(Connection& c) {
  std::string out = "HELLO " + c.listener.protocol + "\r\n";
  co_await c.transport.write(out);
  std::size_t discarded = 0;
  for (;;) {
    std::string line;
    bool too_long = false;
    try {
      line = co_await c.reader.read_line();
    } catch (const LineTooLong&) {
      too_long = true;
    }
    if (too_long) {
      out = "ERR line too long\r\n";
    } else if (line == "QUIT") {
      out = "BYE\r\n";
      co_await c.transport.write(out);
      co_return;
    } else if (line == "STARTTLS") {
      discarded = c.reader.buffered();
      out = "OK\r\n";
      co_await c.transport.write(out);
      co_await c.start_tls();
      continue;
    } else if (line == "INFO") {
      out = "INFO tls=" + (c.transport.is_tls() ? c.transport.tls_version() : std::string("none")) +
            " sni=" + c.transport.sni() + " discarded=" + std::to_string(discarded) + "\r\n";
    } else if (line.starts_with("LITERAL ")) {
      std::string data = co_await c.reader.read_exact(std::stoul(line.substr(8)));
      out = "GOT " + data + "\r\n";
    } else {
      out = "ECHO " + line + (c.reader.last_line_crlf() ? "" : " [LF]") + "\r\n";
    }
    co_await c.transport.write(out);
  }
}

inline void register_echo() { register_protocol("echo", echo_session, "BUSY\r\n"); }

inline config::Config base_config() {
  config::Config cfg;
  cfg.hostname = "mail.example.com";
  cfg.idle_timeout_seconds = 30;
  return cfg;
}

inline config::Listener listener(std::string protocol, config::TlsMode tls) {
  config::Listener l;
  l.protocol = std::move(protocol);
  l.address = "127.0.0.1";
  l.port = 0;
  l.tls = tls;
  return l;
}

// A bound Server running on its own thread until destruction.
class TestServer {
 public:
  explicit TestServer(const config::Config& cfg, std::chrono::milliseconds drain = 2000ms)
      : server_(cfg, ServerOptions{2, drain, false}) {
    server_.bind_all();
    thread_ = std::thread([this] { server_.run(); });
  }
  ~TestServer() { shutdown(); }
  void shutdown() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::uint16_t port(std::string_view protocol, config::TlsMode tls) const {
    for (const auto& b : server_.bound())
      if (b.protocol == protocol && b.tls == tls) return b.port;
    throw std::runtime_error("no such listener");
  }
  Server& server() { return server_; }

 private:
  Server server_;
  std::thread thread_;
};

// Runs the io_context until `done` or 5 s; a stuck operation fails the test instead of hanging it.
inline void run_until(asio::io_context& io, const bool& done, std::chrono::milliseconds limit = 5000ms) {
  io.restart();
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done && std::chrono::steady_clock::now() < deadline) io.run_one_for(50ms);
  if (!done) throw std::runtime_error("client operation timed out");
}

// A client over a plain socket that may upgrade to TLS (STARTTLS) or start with TLS.
class Client {
 public:
  explicit Client(std::uint16_t port) : socket_(io_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    client_ctx_.set_verify_mode(ssl::verify_none);
  }
  ssl::context& tls_context() { return client_ctx_; }

  // TLS handshake on the socket (implicit TLS, or after the server's STARTTLS reply).
  void start_tls(const std::string& sni = "") {
    EXPECT_TRUE(buf_.empty()) << "unread plaintext before TLS";
    tls_.emplace(std::move(socket_), client_ctx_);
    if (!sni.empty()) SSL_set_tlsext_host_name(tls_->native_handle(), sni.c_str());
    boost::system::error_code ec;
    bool done = false;
    tls_->async_handshake(ssl::stream_base::client, [&](auto e) {
      ec = e;
      done = true;
    });
    run_until(io_, done);
    if (ec) throw boost::system::system_error(ec);
  }

  void send(std::string_view data) {
    boost::system::error_code ec;
    bool done = false;
    auto handler = [&](boost::system::error_code e, std::size_t) {
      ec = e;
      done = true;
    };
    if (tls_) asio::async_write(*tls_, asio::buffer(data), handler);
    else asio::async_write(socket_, asio::buffer(data), handler);
    run_until(io_, done);
    if (ec) throw boost::system::system_error(ec);
  }

  // The next line without CRLF; "<EOF>" when the server closed the connection.
  std::string line(std::chrono::milliseconds limit = 5000ms) {
    boost::system::error_code ec;
    std::size_t n = 0;
    bool done = false;
    auto handler = [&](boost::system::error_code e, std::size_t k) {
      ec = e;
      n = k;
      done = true;
    };
    if (tls_) asio::async_read_until(*tls_, asio::dynamic_buffer(buf_), "\n", handler);
    else asio::async_read_until(socket_, asio::dynamic_buffer(buf_), "\n", handler);
    run_until(io_, done, limit);
    last_error_ = ec;
    if (ec) return "<EOF>";
    std::string l = buf_.substr(0, n);
    buf_.erase(0, n);
    while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.pop_back();
    return l;
  }

  SSL* ssl() { return tls_ ? tls_->native_handle() : nullptr; }
  // How the last line() ended: eof is a clean close (over TLS: close_notify received).
  boost::system::error_code last_error() const { return last_error_; }

 private:
  asio::io_context io_;
  tcp::socket socket_;
  ssl::context client_ctx_{ssl::context::tls_client};
  std::optional<ssl::stream<tcp::socket>> tls_;
  std::string buf_;
  boost::system::error_code last_error_;
};

// Subject CN of the certificate the server presented.
inline std::string peer_common_name(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return "";
  char buf[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
  X509_free(cert);
  return buf;
}

}  // namespace postamt::net::test
