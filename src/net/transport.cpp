// Plain/TLS transport with per-operation deadlines (see transport.hpp). A deadline races the operation
// against a timer in a parallel group; whichever finishes first cancels the other.
#include "net/transport.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>

#include "net/errors.hpp"

namespace postamt::net {
namespace {

namespace ssl = boost::asio::ssl;
using boost::system::error_code;
using asio::experimental::make_parallel_group;
using asio::experimental::wait_for_one;

bool is_eof(const error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset || ec == ssl::error::stream_truncated;
}

std::string ssl_error_text(const error_code& ec) {
  if (ec.category() == asio::error::get_ssl_category()) {
    const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
    if (reason) return reason;
  }
  return ec.message();
}

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
    : stream_(std::move(socket)),
      read_timer_(std::get<tcp::socket>(stream_).get_executor()),
      write_timer_(std::get<tcp::socket>(stream_).get_executor()) {
  auto& s = std::get<tcp::socket>(stream_);
  error_code ec;
  auto remote = s.remote_endpoint(ec);
  if (!ec) {
    remote_address_ = address_string(remote.address());
    remote_port_ = remote.port();
  }
  auto local = s.local_endpoint(ec);
  if (!ec) {
    local_address_ = address_string(local.address());
    local_port_ = local.port();
  }
}

tcp::socket& Transport::socket() {
  if (auto* tls = std::get_if<TlsStream>(&stream_)) return tls->next_layer();
  return std::get<tcp::socket>(stream_);
}

asio::any_io_executor Transport::get_executor() { return socket().get_executor(); }

bool Transport::is_tls() const { return std::holds_alternative<TlsStream>(stream_); }

std::string Transport::tls_version() const {
  auto* tls = std::get_if<TlsStream>(&stream_);
  return tls ? SSL_get_version(const_cast<TlsStream*>(tls)->native_handle()) : "";
}

std::string Transport::tls_cipher() const {
  auto* tls = std::get_if<TlsStream>(&stream_);
  if (!tls) return "";
  const char* name = SSL_get_cipher_name(const_cast<TlsStream*>(tls)->native_handle());
  return name ? name : "";
}

std::string Transport::sni() const {
  auto* tls = std::get_if<TlsStream>(&stream_);
  if (!tls) return "";
  const char* name = SSL_get_servername(const_cast<TlsStream*>(tls)->native_handle(), TLSEXT_NAMETYPE_host_name);
  return name ? name : "";
}

void Transport::close() {
  error_code ignored;
  read_timer_.cancel();
  write_timer_.cancel();
  if (stream_.valueless_by_exception()) return;
  auto& s = socket();
  if (s.is_open()) {
    s.shutdown(tcp::socket::shutdown_both, ignored);
    s.close(ignored);
  }
}

asio::awaitable<void> Transport::shutdown(std::chrono::milliseconds limit) {
  if (auto* tls = std::get_if<TlsStream>(&stream_); tls && socket().is_open()) {
    read_timer_.expires_after(limit);
    co_await make_parallel_group(tls->async_shutdown(asio::deferred), read_timer_.async_wait(asio::deferred))
        .async_wait(wait_for_one(), asio::as_tuple(asio::use_awaitable));
  }
  close();
}

template <class Stream>
asio::awaitable<std::size_t> Transport::read_on(Stream& stream, std::span<char> buffer) {
  error_code ec;
  std::size_t n = 0;
  if (timeout_.count() == 0) {
    std::tie(ec, n) = co_await stream.async_read_some(asio::buffer(buffer.data(), buffer.size()),
                                                       asio::as_tuple(asio::use_awaitable));
  } else {
    read_timer_.expires_after(timeout_);
    auto [order, read_ec, read_n, timer_ec] =
        co_await make_parallel_group(stream.async_read_some(asio::buffer(buffer.data(), buffer.size()), asio::deferred),
                                     read_timer_.async_wait(asio::deferred))
            .async_wait(wait_for_one(), asio::use_awaitable);
    if (order[0] == 1 && !timer_ec) throw Timeout("no data from client for " + std::to_string(timeout_.count() / 1000) + "s");
    ec = read_ec;
    n = read_n;
  }
  if (ec) {
    if (is_eof(ec)) throw Closed();
    throw IoError("read failed: " + ssl_error_text(ec));
  }
  bytes_in_ += n;
  co_return n;
}

template <class Stream>
asio::awaitable<void> Transport::write_on(Stream& stream, std::string_view data) {
  error_code ec;
  std::size_t n = 0;
  if (timeout_.count() == 0) {
    std::tie(ec, n) = co_await asio::async_write(stream, asio::buffer(data.data(), data.size()),
                                                 asio::as_tuple(asio::use_awaitable));
  } else {
    write_timer_.expires_after(timeout_);
    auto [order, write_ec, write_n, timer_ec] =
        co_await make_parallel_group(asio::async_write(stream, asio::buffer(data.data(), data.size()), asio::deferred),
                                     write_timer_.async_wait(asio::deferred))
            .async_wait(wait_for_one(), asio::use_awaitable);
    if (order[0] == 1 && !timer_ec) throw Timeout("client did not accept data for " + std::to_string(timeout_.count() / 1000) + "s");
    ec = write_ec;
    n = write_n;
  }
  if (ec) {
    if (is_eof(ec) || ec == asio::error::broken_pipe) throw Closed();
    throw IoError("write failed: " + ssl_error_text(ec));
  }
  bytes_out_ += n;
}

asio::awaitable<std::size_t> Transport::read_some(std::span<char> buffer) {
  if (auto* tls = std::get_if<TlsStream>(&stream_)) co_return co_await read_on(*tls, buffer);
  co_return co_await read_on(std::get<tcp::socket>(stream_), buffer);
}

asio::awaitable<void> Transport::write(std::string_view data) {
  if (auto* tls = std::get_if<TlsStream>(&stream_)) {
    co_await write_on(*tls, data);
  } else {
    co_await write_on(std::get<tcp::socket>(stream_), data);
  }
}

asio::awaitable<void> Transport::start_tls(TlsContexts& contexts) {
  if (is_tls()) throw TlsError("TLS is already active");
  auto generation = contexts.current();
  if (!generation || generation->empty()) throw TlsError("no TLS certificate configured");
  tcp::socket plain = std::move(std::get<tcp::socket>(stream_));
  stream_.emplace<TlsStream>(std::move(plain), generation->default_context());
  tls_generation_ = std::move(generation);
  auto& tls = std::get<TlsStream>(stream_);

  error_code ec;
  if (timeout_.count() == 0) {
    std::tie(ec) = co_await tls.async_handshake(ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
  } else {
    read_timer_.expires_after(timeout_);
    auto [order, hs_ec, timer_ec] =
        co_await make_parallel_group(tls.async_handshake(ssl::stream_base::server, asio::deferred),
                                     read_timer_.async_wait(asio::deferred))
            .async_wait(wait_for_one(), asio::use_awaitable);
    if (order[0] == 1 && !timer_ec) throw Timeout("TLS handshake did not finish in " + std::to_string(timeout_.count() / 1000) + "s");
    ec = hs_ec;
  }
  if (ec) {
    if (is_eof(ec)) throw Closed();
    throw TlsError("TLS handshake failed: " + ssl_error_text(ec));
  }
}

}  // namespace postamt::net
