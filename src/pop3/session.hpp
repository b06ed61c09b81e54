// One POP3 connection (DESIGN.md "Three layers", layer 2): a coroutine owning the connection, the
// RFC 1939 §3 state (AUTHORIZATION, TRANSACTION, UPDATE) and a command table {verb, handler, states}.
// Handlers live in auth_commands.cpp, maildrop_commands.cpp and misc_commands.cpp; they throw Err
// for a negative answer, which the dispatcher sends as "-ERR [code] text".
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/asio.hpp"
#include "net/connection.hpp"
#include "pop3/maildrop.hpp"
#include "pop3/protocol/command.hpp"

namespace postamt::services {
class Services;
}

namespace postamt::pop3 {

namespace asio = boost::asio;

enum class State { Authorization, Transaction, Update };

// A negative reply: "-ERR [code] text" (RFC 1939 §3, response codes RFC 2449 §8 / RFC 3206).
struct Err {
  std::string text;
  std::string_view code = {};
};

// RFC 1939 §3: the autologout timer is at least 10 minutes.
inline constexpr std::chrono::seconds kMinIdleTimeout{600};
// Bad commands (unknown, syntax, wrong state) tolerated before the connection is closed.
inline constexpr int kMaxBadCommands = 20;
// Failed authentications tolerated in one connection (each one is also throttled).
inline constexpr int kMaxAuthFailures = 5;
// Buffered output flushed before it grows past this (pipelined RETRs).
inline constexpr std::size_t kFlushThreshold = 64 * 1024;

// The exact refusal of a password sent before TLS (DESIGN.md "Network and TLS").
inline constexpr std::string_view kCleartextRefusal =
    "Cleartext authentication disallowed on non-secure (SSL/TLS) connections.";

class Session {
 public:
  Session(net::Connection& conn, services::Services& services);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The greeting, then commands until QUIT, an I/O error or the idle timeout.
  asio::awaitable<void> run();

  // --- for the command handlers ---
  net::Connection& conn() { return conn_; }
  services::Services& services() { return services_; }
  const log::ConnectionLog& log() const { return conn_.log; }
  State state() const { return state_; }
  bool secure() const { return conn_.transport.is_tls(); }
  std::string remote_ip() const { return conn_.transport.remote_address(); }

  // Appends to the output buffer (sent at flush, or when the buffer is large).
  void send(std::string_view bytes) { out_.append(bytes); }
  std::string& out() { return out_; }  // for building big responses in place
  asio::awaitable<void> flush();
  // A SASL client response line (RFC 5034 §4: longer than a command line may be); flushes first.
  asio::awaitable<std::string> read_response_line();
  asio::awaitable<void> sleep(std::chrono::milliseconds delay);

  // APOP timestamp of the greeting, empty when APOP is not offered (RFC 1939 §7).
  const std::string& apop_timestamp() const { return apop_timestamp_; }
  // The name given by USER, waiting for PASS (RFC 1939 §7).
  std::optional<std::string>& pending_user() { return pending_user_; }

  // After a successful authentication: takes the maildrop lock and snapshots the INBOX, entering
  // TRANSACTION. Throws Err ([IN-USE], [SYS/TEMP]) and stays in AUTHORIZATION on failure.
  asio::awaitable<void> open_maildrop(std::int64_t account, const std::string& address, std::string_view method);
  // A failed authentication: waits the throttle delay, logs, throws Err "[AUTH] Authentication failed.".
  asio::awaitable<void> fail_auth(std::string_view user, std::string_view method, std::string_view reason);

  Maildrop& maildrop() { return *maildrop_; }
  // The user's ACL rights on INBOX (RFC 4314): every right unless the owner restricted their own.
  const std::string& rights() const { return rights_; }
  const std::string& user() const { return user_; }
  // STLS done: forget everything learned before TLS (RFC 2595 §4).
  void reset_after_tls() { pending_user_.reset(); }
  // QUIT: the session ends after this command's reply is flushed; UPDATE applies deletions.
  void end() { ended_ = true; }
  void enter_update() { state_ = State::Update; }

 private:
  asio::awaitable<void> greet();
  asio::awaitable<void> dispatch(const protocol::Command& command);

  net::Connection& conn_;
  services::Services& services_;
  State state_ = State::Authorization;
  std::string out_;
  std::string apop_timestamp_;
  std::optional<std::string> pending_user_;
  std::optional<MaildropLock> lock_;
  std::optional<Maildrop> maildrop_;
  std::string rights_;
  std::string user_;
  int bad_commands_ = 0;
  int auth_failures_ = 0;
  bool ended_ = false;
};

}  // namespace postamt::pop3
