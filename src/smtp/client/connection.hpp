// A blocking client connection (plain TCP, then TLS after STARTTLS) with a deadline on every
// operation: each call runs its own io_context until the operation ends or the timeout passes.
// Meant for the queue's worker threads, never for an I/O thread of the server.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace postamt::smtp::client {

// A network failure: connect refused, timeout, reset, TLS handshake failure.
class NetworkError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Connection {
 public:
  static constexpr std::size_t kMaxLine = 8192;

  // `cancel`, when given, is checked a few times a second: once true, the pending operation fails
  // (server shutdown must not wait for a slow peer's timeout).
  explicit Connection(std::chrono::milliseconds timeout, const std::atomic<bool>* cancel = nullptr);
  ~Connection();

  void set_timeout(std::chrono::milliseconds t) { timeout_ = t; }
  void connect(const std::string& address, std::uint16_t port);
  void write(std::string_view data);
  // One line without CRLF; throws NetworkError on EOF, timeout or a line over kMaxLine.
  std::string read_line();
  // Client TLS handshake with SNI `server_name`; when `verify_name` is set, the chain must verify
  // against the context's trust store and the certificate must match that name (RFC 6125).
  void start_tls(boost::asio::ssl::context& ctx, const std::string& server_name, const std::string& verify_name);
  bool is_tls() const { return tls_ != nullptr; }
  std::string tls_version() const;
  std::string tls_cipher() const;
  // Whether the peer certificate chain verified (X509_V_OK), for logging opportunistic TLS.
  bool tls_verified() const;
  void close();

 private:
  template <class Start>
  std::size_t run(Start start, const char* what);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> tls_;
  std::chrono::milliseconds timeout_;
  const std::atomic<bool>* cancel_;
  std::string buffer_;
};

}  // namespace postamt::smtp::client
