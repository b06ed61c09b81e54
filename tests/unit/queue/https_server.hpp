// Test fixture: a blocking HTTPS server on 127.0.0.1 (certificate made with the openssl CLI, self-
// signed, so the certificate file is also the CA file) answering every request with one canned
// response, for the MTA-STS policy fetch tests.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace postamt::queue::testing {

// A self-signed certificate for `name`; returns {cert, key} under `dir`.
inline std::pair<std::filesystem::path, std::filesystem::path> make_cert(const std::filesystem::path& dir,
                                                                         const std::string& name) {
  std::filesystem::create_directories(dir);
  auto cert = dir / (name + ".crt"), key = dir / (name + ".key");
  if (std::filesystem::exists(cert)) return {cert, key};
  std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj '/CN=" + name +
                    "' -addext 'subjectAltName=DNS:" + name + "' -keyout " + key.string() + " -out " + cert.string() +
                    " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl req failed");
  return {cert, key};
}

class HttpsServer {
 public:
  HttpsServer(const std::filesystem::path& cert, const std::filesystem::path& key, std::string response)
      : ctx_(boost::asio::ssl::context::tls_server),
        acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}),
        response_(std::move(response)) {
    ctx_.use_certificate_chain_file(cert.string());
    ctx_.use_private_key_file(key.string(), boost::asio::ssl::context::pem);
    port = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { serve(); });
  }
  ~HttpsServer() {
    stop_ = true;
    boost::system::error_code ec;
    acceptor_.cancel(ec);
    acceptor_.close(ec);
    // Wake a blocking accept with a connection of our own.
    {
      boost::asio::io_context io;
      boost::asio::ip::tcp::socket s(io);
      s.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
    }
    thread_.join();
  }
  void set_response(std::string r) {
    std::lock_guard lock(mu_);
    response_ = std::move(r);
  }
  std::uint16_t port = 0;
  std::atomic<int> requests{0};

 private:
  void serve() {
    while (!stop_) {
      boost::system::error_code ec;
      boost::asio::ssl::stream<boost::asio::ip::tcp::socket> s(io_, ctx_);
      acceptor_.accept(s.next_layer(), ec);
      if (ec || stop_) return;
      s.handshake(boost::asio::ssl::stream_base::server, ec);
      if (ec) continue;  // e.g. the client refused our certificate
      boost::asio::streambuf buf;
      boost::asio::read_until(s, buf, "\r\n\r\n", ec);
      if (ec) continue;
      ++requests;
      std::string r;
      {
        std::lock_guard lock(mu_);
        r = response_;
      }
      boost::asio::write(s, boost::asio::buffer(r), ec);
      s.shutdown(ec);
    }
  }
  boost::asio::io_context io_;
  boost::asio::ssl::context ctx_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::mutex mu_;
  std::string response_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// An HTTP/1.1 200 response with `body` as text/plain (or `content_type`).
inline std::string http_response(const std::string& body, const std::string& status = "200 OK",
                                 const std::string& content_type = "text/plain") {
  return "HTTP/1.1 " + status + "\r\nContent-Type: " + content_type + "\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

}  // namespace postamt::queue::testing
