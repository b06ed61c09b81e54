// One client connection's byte stream: plain TCP or TLS (a TlsEngine over the same socket, so sessions
// are not templates), with a deadline on every read, write and handshake (the idle timeout). An idle
// connection holds no read or record buffers: TLS bytes are read only once the socket is readable.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <boost/asio/steady_timer.hpp>

#include "net/asio.hpp"
#include "net/tls_contexts.hpp"

namespace postamt::net {

class TlsEngine;

class Transport {
 public:
  // Takes an accepted socket. Every operation must run on the socket's executor (a strand).
  explicit Transport(tcp::socket socket);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Deadline for each single read_some / write / handshake; zero disables it.
  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
  std::chrono::milliseconds timeout() const { return timeout_; }

  // Reads at least one byte. Throws Closed on EOF, Timeout, IoError.
  asio::awaitable<std::size_t> read_some(std::span<char> buffer);
  // Waits (read deadline) until read_some will find something: bytes on the socket, TLS bytes already
  // received, or end of file. Needs no buffer, so an idle connection holds none. Throws Timeout, IoError.
  asio::awaitable<void> wait_readable();
  // Writes all of `data` (the caller keeps it alive across the co_await). Throws Timeout, IoError.
  asio::awaitable<void> write(std::string_view data);
  // Server-side TLS handshake (STARTTLS, or before the greeting on implicit-TLS ports) with the current
  // certificate set; SNI picks the certificate. Throws TlsError (handshake failed), Closed, Timeout.
  asio::awaitable<void> start_tls(TlsContexts& contexts);

  bool is_tls() const;
  std::string tls_version() const;  // "TLSv1.3", "" before TLS
  std::string tls_cipher() const;
  std::string sni() const;          // the server name the client asked for, "" if none
  std::string remote_address() const { return remote_address_; }
  std::uint16_t remote_port() const { return remote_port_; }
  std::string local_address() const { return local_address_; }
  std::uint16_t local_port() const { return local_port_; }
  std::uint64_t bytes_in() const { return bytes_in_; }
  std::uint64_t bytes_out() const { return bytes_out_; }

  // Ends the connection politely: TLS close_notify (RFC 8446 §6.1) waiting at most `limit` for the
  // peer's, then close(). Never throws.
  asio::awaitable<void> shutdown(std::chrono::milliseconds limit = std::chrono::milliseconds(2000));
  // Closes the socket; pending operations fail. Safe to call more than once.
  void close();
  // Makes a pending read (and any later one) throw Interrupted: the server is stopping and the
  // session waits for a command that need not come. Call on the connection's strand.
  void interrupt_reads();

  tcp::socket& socket();
  asio::any_io_executor get_executor();
  // Heap bytes in the TLS engine's own buffers (0 when idle or plain); OpenSSL's state not counted.
  std::size_t tls_buffered_capacity() const;

 private:
  asio::awaitable<std::size_t> read_plain(std::span<char> buffer);
  asio::awaitable<void> write_socket(std::string_view data);  // raw bytes, write deadline
  // Waits until the socket is readable within the read deadline (Timeout text prefixed by `prefix`;
  // Interrupted after interrupt_reads()).
  asio::awaitable<void> wait_socket_readable(std::string_view prefix);
  // Waits until the socket is readable (read deadline, `what` names the wait in the Timeout), then moves
  // the bytes available into the TLS engine (end of file included).
  asio::awaitable<void> receive_tls(std::string_view what);
  // Sends what the TLS engine has for the peer. `wait`: when another coroutine is sending, wait for it
  // and send afterwards; else leave the bytes to that sender.
  asio::awaitable<void> send_tls(bool wait);
  asio::awaitable<std::size_t> read_tls(std::span<char> buffer);
  asio::awaitable<void> write_tls(std::string_view data);

  tcp::socket socket_;
  std::unique_ptr<TlsEngine> tls_;
  bool sending_ = false;  // a coroutine is writing the TLS engine's output
  bool interrupted_ = false;  // interrupt_reads() was called
  std::shared_ptr<const TlsGeneration> tls_generation_;  // keeps the contexts of this connection alive
  asio::steady_timer read_timer_;
  asio::steady_timer write_timer_;
  std::chrono::milliseconds timeout_{0};
  std::string remote_address_, local_address_;
  std::uint16_t remote_port_ = 0, local_port_ = 0;
  std::uint64_t bytes_in_ = 0, bytes_out_ = 0;
};

// "127.0.0.1", "::1" (v4-mapped v6 addresses shown as v4).
std::string address_string(const asio::ip::address& address);
// "127.0.0.1:25", "[::1]:25".
std::string endpoint_string(std::string_view address, std::uint16_t port);

}  // namespace postamt::net
