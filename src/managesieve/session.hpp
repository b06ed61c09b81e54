// One ManageSieve connection (DESIGN.md "Three layers", layer 2): a coroutine owning the connection,
// the RFC 5804 §2 state (non-authenticated, authenticated) and a command table {name, handler, states}.
// Handlers (auth_commands.cpp, script_commands.cpp, misc_commands.cpp) throw No for a NO answer and
// Bye to end the connection; the dispatcher formats them.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "managesieve/command_parser.hpp"
#include "managesieve/script_rules.hpp"
#include "net/asio.hpp"
#include "net/connection.hpp"

namespace postamt::services {
class Services;
}

namespace postamt::managesieve {

namespace asio = boost::asio;

enum class State { NonAuthenticated, Authenticated };

// A NO answer (RFC 5804 §1.2), with an optional §1.3 response code.
struct No {
  std::string text;
  std::string_view code = {};
  bool bad_command = false;  // malformed arguments: counts towards kMaxBadCommands
};
// A BYE answer: the session ends after it.
struct Bye {
  std::string text;
  std::string_view code = {};
};

// RFC 5804 §1.2: the inactivity timeout after authentication is at least 30 minutes.
inline constexpr std::chrono::seconds kMinIdleTimeout{1800};
// Bad commands (unknown, malformed, wrong state) tolerated before the connection is closed.
inline constexpr int kMaxBadCommands = 20;
// Failed authentications tolerated in one connection (each one is also throttled).
inline constexpr int kMaxAuthFailures = 3;
// Longest command line (without literals): names are at most 1024 octets quoted, so this is ample.
inline constexpr std::size_t kMaxLine = 8192;
// Largest SASL client response literal (base64 of sasl::kMaxResponse octets, with room).
inline constexpr std::size_t kMaxSaslLiteral = 16 * 1024;

// The refusal of AUTHENTICATE before TLS (DESIGN.md: no password crosses an unencrypted connection).
inline constexpr std::string_view kTlsRequired =
    "Authentication is only allowed over TLS: use STARTTLS first.";

class Session {
 public:
  Session(net::Connection& conn, services::Services& services, ScriptLimits limits);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The greeting (the capability list, RFC 5804 §1.7), then commands until LOGOUT, BYE, an I/O
  // error or the idle timeout.
  asio::awaitable<void> run();

  // --- for the command handlers ---
  net::Connection& conn() { return conn_; }
  services::Services& services() { return services_; }
  const log::ConnectionLog& log() const { return conn_.log; }
  State state() const { return state_; }
  bool secure() const { return conn_.transport.is_tls(); }
  std::string remote_ip() const { return conn_.transport.remote_address(); }
  const ScriptLimits& limits() const { return limits_; }

  void send(std::string_view bytes) { out_.append(bytes); }
  asio::awaitable<void> flush();
  // The capability lines for this connection's current state, without the final OK.
  std::string capabilities() const;

  // A SASL client response (RFC 5804 §2.1: one string, quoted or literal); flushes first.
  // Throws No for a malformed response, Bye when the stream cannot be recovered.
  asio::awaitable<std::string> read_sasl_response();
  // A failed authentication: waits the throttle delay, logs, throws No (or Bye after too many).
  asio::awaitable<void> fail_auth(std::string_view user, std::string_view method, std::string_view reason);
  // A successful one: enters the authenticated state as the account `account` (`address` is OWNER).
  void login(std::int64_t account, const std::string& address, std::string_view method);
  // UNAUTHENTICATE (RFC 5804 §2.14.1): back to the non-authenticated state.
  void logout_user();

  std::int64_t account() const { return account_; }
  const std::string& user() const { return user_; }
  void end() { ended_ = true; }

 private:
  struct ReadResult {
    std::optional<Command> command;
    std::optional<ParseError> error;
  };
  asio::awaitable<ReadResult> read_command(CommandParser::Mode mode);
  asio::awaitable<void> dispatch(const Command& command);

  net::Connection& conn_;
  services::Services& services_;
  ScriptLimits limits_;
  CommandParser parser_;
  State state_ = State::NonAuthenticated;
  std::string out_;
  std::int64_t account_ = 0;
  std::string user_;
  int bad_commands_ = 0;
  int auth_failures_ = 0;
  bool ended_ = false;
};

}  // namespace postamt::managesieve
