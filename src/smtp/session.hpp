// One SMTP, submission or LMTP connection (DESIGN.md "Three layers", layer 2): a coroutine owning the
// connection, the hello / TLS / AUTH / transaction state and a command table {verb, handler, flags}.
// Handlers live in hello_commands.cpp, auth_command.cpp, envelope_commands.cpp and data_commands.cpp;
// they throw protocol::Reply for a negative answer, which the dispatcher sends (RFC 5321 §4.2).
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/asio.hpp"
#include "net/connection.hpp"
#include "smtp/protocol/command.hpp"
#include "smtp/protocol/reply.hpp"
#include "smtp/transaction.hpp"

namespace postamt::services {
class Services;
}

namespace postamt::smtp {

namespace asio = boost::asio;
using protocol::Reply;

// Which listener protocol this session serves: who may do what (RFC 5321 MX, RFC 6409 submission,
// RFC 2033 LMTP).
enum class Mode { Mx, Submission, Lmtp };

// RFC 5321 §4.5.3.2.7: the server waits at least 5 minutes for the next command.
inline constexpr std::chrono::seconds kCommandTimeout{300};
// RFC 5321 §4.5.3.2.5 / §4.5.3.2.6: 3 minutes per data block, 10 minutes for the whole message.
inline constexpr std::chrono::seconds kDataBlockTimeout{180};
inline constexpr std::chrono::seconds kDataTotalTimeout{600};
// RFC 5321 §4.5.3.1.8: at least 100 recipients must be accepted; more get 452 4.5.3.
inline constexpr std::size_t kMaxRecipients = 100;
// Negative replies tolerated before "421 4.7.0 Too many errors" closes the connection.
inline constexpr int kMaxErrors = 10;
// Failed AUTH attempts in one connection (each one is also throttled per IP and per user).
inline constexpr int kMaxAuthFailures = 3;
// Buffered replies are flushed before they grow past this.
inline constexpr std::size_t kFlushThreshold = 16 * 1024;

// The authenticated user (submission after AUTH).
struct AuthUser {
  std::int64_t id = 0;
  std::string address;
};

class Session {
 public:
  Session(net::Connection& conn, services::Services& services, Mode mode);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The 220 greeting, then commands until QUIT, an I/O error, too many errors or a timeout.
  asio::awaitable<void> run();

  // --- for the command handlers ---
  net::Connection& conn() { return conn_; }
  services::Services& services() { return services_; }
  const log::ConnectionLog& log() const { return conn_.log; }
  Mode mode() const { return mode_; }
  bool lmtp() const { return mode_ == Mode::Lmtp; }
  bool secure() const { return conn_.transport.is_tls(); }
  std::string remote_ip() const { return conn_.remote_address(); }
  const std::string& hostname() const;
  std::uint64_t max_message_size() const;

  void reply(const Reply& r);
  void reply(int code, std::string_view enhanced, std::string_view text);
  void send_raw(std::string_view bytes) { out_.append(bytes); }
  asio::awaitable<void> flush();
  asio::awaitable<void> sleep(std::chrono::milliseconds delay);
  // A SASL response line after a 334 (RFC 4954 §4: up to kMaxAuthResponseLine); flushes first.
  asio::awaitable<std::string> read_response_line();

  // HELO/EHLO/LHLO state (RFC 5321 §4.1.4: a new EHLO resets the transaction).
  const std::optional<std::string>& helo() const { return helo_; }
  bool esmtp() const { return esmtp_; }
  void set_helo(std::string name, bool esmtp);

  const std::optional<AuthUser>& auth() const { return auth_; }
  void set_auth(AuthUser user) { auth_ = std::move(user); }
  // Relay permission and why (for the log): "authenticated" (RFC 6409 §5), "relay_networks" (the client
  // is inside [smtp] relay_networks) or "pop_before_smtp" (a recent POP3/IMAP login from the client's
  // address); nullptr when the client may not relay.
  const char* relay_reason() const;
  bool may_relay() const { return relay_reason() != nullptr; }
  // Counts a failed AUTH; true when the connection has had too many.
  bool auth_failed() { return ++auth_failures_ >= kMaxAuthFailures; }

  std::optional<Transaction>& transaction() { return transaction_; }
  void reset_transaction() { transaction_.reset(); }
  // STARTTLS done: forget everything learned before TLS (RFC 3207 §4.2).
  void reset_after_tls();
  // QUIT or a fatal condition: the session ends after this command's reply is flushed.
  void end() { ended_ = true; }

 private:
  asio::awaitable<void> greet();
  asio::awaitable<void> dispatch(const protocol::Command& command);

  net::Connection& conn_;
  services::Services& services_;
  Mode mode_;
  std::string out_;
  std::optional<std::string> helo_;
  bool esmtp_ = false;
  std::optional<AuthUser> auth_;
  std::optional<Transaction> transaction_;
  bool relay_network_ = false;  // the client address is inside relay_networks
  int errors_ = 0;
  int auth_failures_ = 0;
  bool ended_ = false;
};

}  // namespace postamt::smtp
