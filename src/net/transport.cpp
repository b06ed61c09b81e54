// Plain/TLS transport with per-operation deadlines (see transport.hpp). A deadline races the operation
// against a timer in a parallel group; whichever finishes first cancels the other. TLS runs through a
// TlsEngine: records are read from the socket only once it is readable, into a buffer sized to what
// arrived, and sent from a buffer that is freed once written (RFC 8446 itself is OpenSSL's).
#include "net/transport.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/write.hpp>
#include <vector>

#include "net/errors.hpp"
#include "net/tls_engine.hpp"

namespace postamt::net {
namespace {

using boost::system::error_code;
using asio::experimental::make_parallel_group;
using asio::experimental::wait_for_one;

// Bounds of one TLS socket read: what is available, at least a small read (to see end of file), at most
// a few records.
constexpr std::size_t kMinTlsRead = 512;
constexpr std::size_t kMaxTlsRead = 64 * 1024;
// Plaintext encrypted per round before it is sent, so a large response does not double in memory.
constexpr std::size_t kTlsWriteChunk = 64 * 1024;

bool is_eof(const error_code& ec) { return ec == asio::error::eof || ec == asio::error::connection_reset; }

}  // namespace

std::string address_string(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
  return address.to_string();
}

std::string endpoint_string(std::string_view address, std::uint16_t port) {
  std::string out;
  if (address.find(':') != std::string_view::npos) out.append("[").append(address).append("]");
  else out.append(address);
  return out + ":" + std::to_string(port);
}

Transport::Transport(tcp::socket socket)
    : socket_(std::move(socket)), read_timer_(socket_.get_executor()), write_timer_(socket_.get_executor()) {
  error_code ec;
  auto remote = socket_.remote_endpoint(ec);
  if (!ec) {
    remote_address_ = address_string(remote.address());
    remote_port_ = remote.port();
  }
  auto local = socket_.local_endpoint(ec);
  if (!ec) {
    local_address_ = address_string(local.address());
    local_port_ = local.port();
  }
}

Transport::~Transport() = default;

tcp::socket& Transport::socket() { return socket_; }

asio::any_io_executor Transport::get_executor() { return socket_.get_executor(); }

bool Transport::is_tls() const { return tls_ != nullptr; }

std::size_t Transport::tls_buffered_capacity() const { return tls_ ? tls_->buffered_capacity() : 0; }

std::string Transport::tls_version() const { return tls_ ? SSL_get_version(tls_->ssl()) : ""; }

std::string Transport::tls_cipher() const {
  if (!tls_) return "";
  const char* name = SSL_get_cipher_name(tls_->ssl());
  return name ? name : "";
}

std::string Transport::sni() const {
  if (!tls_) return "";
  const char* name = SSL_get_servername(tls_->ssl(), TLSEXT_NAMETYPE_host_name);
  return name ? name : "";
}

void Transport::close() {
  error_code ignored;
  read_timer_.cancel();
  write_timer_.cancel();
  if (socket_.is_open()) {
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }
}

asio::awaitable<void> Transport::shutdown(std::chrono::milliseconds limit) {
  if (tls_ && socket_.is_open()) {
    const auto saved = timeout_;
    timeout_ = limit;
    try {
      // RFC 8446 §6.1: send close_notify, then wait (bounded) for the peer's.
      ERR_clear_error();
      int done = SSL_shutdown(tls_->ssl());
      co_await send_tls(true);
      for (int round = 0; done == 0 && round < 8 && !tls_->eof(); ++round) {
        co_await receive_tls("TLS shutdown");
        ERR_clear_error();
        done = SSL_shutdown(tls_->ssl());
        if (done < 0) break;
      }
    } catch (const std::exception&) {
      // Timeout or a closed connection: nothing more to say.
    }
    ERR_clear_error();
    timeout_ = saved;
  }
  close();
}

void Transport::interrupt_reads() {
  interrupted_ = true;
  read_timer_.cancel();  // ends a pending read's wait (the timer wins the race, see below)
}

asio::awaitable<std::size_t> Transport::read_plain(std::span<char> buffer) {
  if (interrupted_) throw Interrupted();
  error_code ec;
  std::size_t n = 0;
  if (timeout_.count() == 0) {
    std::tie(ec, n) = co_await socket_.async_read_some(asio::buffer(buffer.data(), buffer.size()),
                                                        asio::as_tuple(asio::use_awaitable));
  } else {
    read_timer_.expires_after(timeout_);
    auto [order, read_ec, read_n, timer_ec] =
        co_await make_parallel_group(socket_.async_read_some(asio::buffer(buffer.data(), buffer.size()), asio::deferred),
                                     read_timer_.async_wait(asio::deferred))
            .async_wait(wait_for_one(), asio::use_awaitable);
    if (order[0] == 1 && interrupted_) throw Interrupted();
    if (order[0] == 1 && !timer_ec) throw Timeout("no data from client for " + std::to_string(timeout_.count() / 1000) + "s");
    ec = read_ec;
    n = read_n;
  }
  if (ec) {
    if (is_eof(ec)) throw Closed();
    throw IoError("read failed: " + ec.message());
  }
  bytes_in_ += n;
  co_return n;
}

asio::awaitable<void> Transport::write_socket(std::string_view data) {
  error_code ec;
  if (timeout_.count() == 0) {
    std::tie(ec, std::ignore) = co_await asio::async_write(socket_, asio::buffer(data.data(), data.size()),
                                                           asio::as_tuple(asio::use_awaitable));
  } else {
    write_timer_.expires_after(timeout_);
    auto [order, write_ec, write_n, timer_ec] =
        co_await make_parallel_group(asio::async_write(socket_, asio::buffer(data.data(), data.size()), asio::deferred),
                                     write_timer_.async_wait(asio::deferred))
            .async_wait(wait_for_one(), asio::use_awaitable);
    if (order[0] == 1 && !timer_ec) throw Timeout("client did not accept data for " + std::to_string(timeout_.count() / 1000) + "s");
    ec = write_ec;
  }
  if (ec) {
    if (is_eof(ec) || ec == asio::error::broken_pipe) throw Closed();
    throw IoError("write failed: " + ec.message());
  }
}

asio::awaitable<void> Transport::wait_socket_readable(std::string_view prefix) {
  if (interrupted_) throw Interrupted();
  error_code ec;
  if (timeout_.count() == 0) {
    std::tie(ec) = co_await socket_.async_wait(tcp::socket::wait_read, asio::as_tuple(asio::use_awaitable));
  } else {
    read_timer_.expires_after(timeout_);
    auto [order, wait_ec, timer_ec] =
        co_await make_parallel_group(socket_.async_wait(tcp::socket::wait_read, asio::deferred),
                                     read_timer_.async_wait(asio::deferred))
            .async_wait(wait_for_one(), asio::use_awaitable);
    if (order[0] == 1 && interrupted_) throw Interrupted();  // interrupt_reads() cancelled the timer
    if (order[0] == 1 && !timer_ec)
      throw Timeout(std::string(prefix) + "no data from client for " + std::to_string(timeout_.count() / 1000) + "s");
    ec = wait_ec;
  }
  if (ec) throw IoError("read failed: " + ec.message());
}

asio::awaitable<void> Transport::receive_tls(std::string_view what) {
  // A named string, not a temporary: GCC 12 destroys temporaries of a co_await operand twice.
  const std::string prefix = std::string(what) + ": ";
  for (;;) {
    co_await wait_socket_readable(prefix);
    error_code ec;
    // Only now a buffer, sized to what has arrived.
    const std::size_t available = socket_.available(ec);
    std::vector<unsigned char> bytes(std::clamp(ec ? 0 : available, kMinTlsRead, kMaxTlsRead));
    std::size_t n = socket_.read_some(asio::buffer(bytes), ec);  // non-blocking (set in start_tls)
    if (ec == asio::error::would_block || ec == asio::error::try_again) continue;
    if (ec) {
      if (!is_eof(ec)) throw IoError("read failed: " + ec.message());
      tls_->feed_eof();
      co_return;
    }
    bytes.resize(n);
    tls_->feed(std::move(bytes));
    co_return;
  }
}

asio::awaitable<void> Transport::send_tls(bool wait) {
  if (sending_) {
    if (!wait) co_return;  // the running sender also sends what was just added
    // Rare: a reply OpenSSL made while reading (alert, key update) is being sent; wait for it.
    asio::steady_timer pause(socket_.get_executor());
    while (sending_) {
      pause.expires_after(std::chrono::milliseconds(2));
      co_await pause.async_wait(asio::use_awaitable);
    }
  }
  if (!tls_->has_output()) co_return;
  sending_ = true;
  try {
    while (tls_->has_output()) {
      std::string data = tls_->take_output();
      co_await write_socket(data);
    }
  } catch (...) {
    sending_ = false;
    throw;
  }
  sending_ = false;
}

asio::awaitable<std::size_t> Transport::read_tls(std::span<char> buffer) {
  for (;;) {
    ERR_clear_error();
    std::size_t n = 0;
    int ok = SSL_read_ex(tls_->ssl(), buffer.data(), buffer.size(), &n);
    if (ok == 1) {
      bytes_in_ += n;
      co_return n;
    }
    int err = SSL_get_error(tls_->ssl(), 0);
    if (err == SSL_ERROR_WANT_READ) {
      if (tls_->eof()) throw Closed();
      if (tls_->has_output()) co_await send_tls(false);  // e.g. a KeyUpdate answer (RFC 8446 §4.6.3)
      co_await receive_tls("TLS read");
      continue;
    }
    if (err == SSL_ERROR_ZERO_RETURN) throw Closed();  // close_notify
    // An end of file without close_notify (a truncated stream) ends the session like a clean one.
    if (tls_->eof()) throw Closed();
    if (tls_->has_output()) {
      try {
        co_await send_tls(false);  // the alert
      } catch (const std::exception&) {
      }
    }
    throw IoError("read failed: " + TlsEngine::error_text("TLS error"));
  }
}

asio::awaitable<void> Transport::write_tls(std::string_view data) {
  while (!data.empty()) {
    std::string_view chunk = data.substr(0, kTlsWriteChunk);
    ERR_clear_error();
    std::size_t written = 0;
    if (SSL_write_ex(tls_->ssl(), chunk.data(), chunk.size(), &written) != 1) {
      int err = SSL_get_error(tls_->ssl(), 0);
      if (err == SSL_ERROR_ZERO_RETURN) throw Closed();
      throw IoError("write failed: " + TlsEngine::error_text("TLS error"));
    }
    data.remove_prefix(written);
    bytes_out_ += written;
    co_await send_tls(true);
  }
}

asio::awaitable<void> Transport::wait_readable() {
  if (tls_) {
    if (tls_->pending_input() > 0 || SSL_pending(tls_->ssl()) > 0 || tls_->eof()) co_return;
    co_await receive_tls("TLS read");
    co_return;
  }
  co_await wait_socket_readable("");
}

asio::awaitable<std::size_t> Transport::read_some(std::span<char> buffer) {
  if (tls_) co_return co_await read_tls(buffer);
  co_return co_await read_plain(buffer);
}

asio::awaitable<void> Transport::write(std::string_view data) {
  if (tls_) {
    co_await write_tls(data);
  } else {
    co_await write_socket(data);
    bytes_out_ += data.size();
  }
}

asio::awaitable<void> Transport::start_tls(TlsContexts& contexts) {
  if (tls_) throw TlsError("TLS is already active");
  auto generation = contexts.current();
  if (!generation || generation->empty()) throw TlsError("no TLS certificate configured");
  tls_ = std::make_unique<TlsEngine>(generation->default_context().native_handle());
  tls_generation_ = std::move(generation);
  error_code ec;
  socket_.non_blocking(true, ec);  // receive_tls reads what is there without blocking
  if (ec) throw IoError("cannot make the socket non-blocking: " + ec.message());
  for (;;) {
    ERR_clear_error();
    int rc = SSL_do_handshake(tls_->ssl());
    if (rc == 1) break;
    int err = SSL_get_error(tls_->ssl(), rc);
    if (err == SSL_ERROR_WANT_READ && !tls_->eof()) {
      co_await send_tls(true);
      co_await receive_tls("TLS handshake");
      continue;
    }
    if (tls_->eof() && err != SSL_ERROR_SSL) throw Closed();
    std::string reason = TlsEngine::error_text(tls_->eof() ? "connection closed" : "handshake error");
    try {
      co_await send_tls(true);  // the alert, so the client learns why
    } catch (const std::exception&) {
    }
    if (tls_->eof()) throw Closed();
    throw TlsError("TLS handshake failed: " + reason);
  }
  co_await send_tls(true);  // the server's last flight (TLS 1.3: session tickets)
}

}  // namespace postamt::net
