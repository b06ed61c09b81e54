// Blocking-with-deadline socket and TLS operations for the outbound SMTP client.
#include "smtp/client/connection.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/write.hpp>

#include <openssl/ssl.h>

#include <algorithm>

namespace postamt::smtp::client {

namespace asio = boost::asio;
using boost::system::error_code;

Connection::Connection(std::chrono::milliseconds timeout, const std::atomic<bool>* cancel)
    : socket_(io_), timeout_(timeout), cancel_(cancel) {}

Connection::~Connection() { close(); }

template <class Start>
std::size_t Connection::run(Start start, const char* what) {
  bool done = false;
  error_code result;
  std::size_t n = 0;
  start([&](const error_code& ec, std::size_t bytes = 0) {
    done = true;
    result = ec;
    n = bytes;
  });
  // Run in slices so a cancel request is seen within kSlice.
  constexpr std::chrono::milliseconds kSlice{200};
  auto deadline = std::chrono::steady_clock::now() + timeout_;
  bool cancelled = false;
  while (!done) {
    cancelled = cancel_ && cancel_->load();
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (cancelled || left.count() <= 0) break;
    io_.restart();
    io_.run_for(std::min(left, kSlice));
  }
  if (!done) {
    error_code ignored;
    socket_.close(ignored);  // the pending operation completes with operation_aborted
    io_.restart();
    io_.run();
    throw NetworkError(std::string(what) + (cancelled ? ": cancelled (shutting down)" : ": timed out"));
  }
  if (result) throw NetworkError(std::string(what) + ": " + result.message());
  return n;
}

void Connection::connect(const std::string& address, std::uint16_t port) {
  error_code ec;
  auto ip = asio::ip::make_address(address, ec);
  if (ec) throw NetworkError("bad address " + address);
  asio::ip::tcp::endpoint ep(ip, port);
  run([&](auto handler) { socket_.async_connect(ep, [handler](const error_code& e) mutable { handler(e, 0); }); },
      "connect");
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
}

void Connection::write(std::string_view data) {
  auto buf = asio::buffer(data.data(), data.size());
  if (tls_) {
    run([&](auto handler) { asio::async_write(*tls_, buf, handler); }, "write");
  } else {
    run([&](auto handler) { asio::async_write(socket_, buf, handler); }, "write");
  }
}

std::string Connection::read_line() {
  auto dyn = asio::dynamic_buffer(buffer_, kMaxLine);
  std::size_t n;
  try {
    if (tls_) {
      n = run([&](auto handler) { asio::async_read_until(*tls_, dyn, "\n", handler); }, "read");
    } else {
      n = run([&](auto handler) { asio::async_read_until(socket_, dyn, "\n", handler); }, "read");
    }
  } catch (const NetworkError& e) {
    if (buffer_.size() >= kMaxLine) throw NetworkError("read: reply line too long");
    throw;
  }
  std::string line = buffer_.substr(0, n);
  buffer_.erase(0, n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

void Connection::start_tls(asio::ssl::context& ctx, const std::string& server_name, const std::string& verify_name) {
  buffer_.clear();  // RFC 3207 §4.2: nothing received before TLS is kept
  tls_ = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket>>(std::move(socket_), ctx);
  socket_ = asio::ip::tcp::socket(io_);
  if (!server_name.empty()) SSL_set_tlsext_host_name(tls_->native_handle(), server_name.c_str());
  if (!verify_name.empty()) {
    tls_->set_verify_mode(asio::ssl::verify_peer);
    tls_->set_verify_callback(asio::ssl::host_name_verification(verify_name));
  } else {
    tls_->set_verify_mode(asio::ssl::verify_none);
  }
  try {
    run([&](auto handler) {
      tls_->async_handshake(asio::ssl::stream_base::client, [handler](const error_code& e) mutable { handler(e, 0); });
    }, "TLS handshake");
  } catch (const NetworkError&) {
    error_code ignored;
    tls_->next_layer().close(ignored);
    throw;
  }
}

std::string Connection::tls_version() const { return tls_ ? SSL_get_version(tls_->native_handle()) : ""; }

std::string Connection::tls_cipher() const {
  if (!tls_) return {};
  const char* c = SSL_get_cipher_name(tls_->native_handle());
  return c ? c : "";
}

bool Connection::tls_verified() const {
  return tls_ && SSL_get_verify_result(tls_->native_handle()) == X509_V_OK &&
         SSL_get0_peer_certificate(tls_->native_handle()) != nullptr;
}

void Connection::close() {
  error_code ignored;
  if (tls_) {
    tls_->next_layer().close(ignored);
  }
  socket_.close(ignored);
}

}  // namespace postamt::smtp::client
