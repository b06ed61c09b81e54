// ManageSieve session loop: greeting with capabilities (RFC 5804 §1.7), command reading with literals
// (§1.2, §4), dispatch by state (§2), pipelined answers batched, throttled authentication failures.
#include "managesieve/session.hpp"

#include <algorithm>
#include <variant>

#include "common/strings.hpp"
#include "managesieve/capabilities.hpp"
#include "managesieve/commands.hpp"
#include "managesieve/response.hpp"
#include "net/errors.hpp"
#include "net/session_io.hpp"
#include "services/services.hpp"

namespace postamt::managesieve {
namespace {

using Handler = asio::awaitable<void> (*)(Session&, const Command&);

constexpr unsigned kNonAuth = 1, kAuth = 2, kAny = kNonAuth | kAuth;

struct Entry {
  std::string_view name;
  Handler handler;
  unsigned states;
};

// RFC 5804 §2: before authentication only AUTHENTICATE, CAPABILITY, STARTTLS, LOGOUT and NOOP.
constexpr Entry kCommands[] = {
    {"AUTHENTICATE", cmd_authenticate, kNonAuth},
    {"STARTTLS", cmd_starttls, kNonAuth},
    {"CAPABILITY", cmd_capability, kAny},
    {"LOGOUT", cmd_logout, kAny},
    {"NOOP", cmd_noop, kAny},
    {"UNAUTHENTICATE", cmd_unauthenticate, kAuth},
    {"HAVESPACE", cmd_havespace, kAuth},
    {"PUTSCRIPT", cmd_putscript, kAuth},
    {"CHECKSCRIPT", cmd_checkscript, kAuth},
    {"LISTSCRIPTS", cmd_listscripts, kAuth},
    {"SETACTIVE", cmd_setactive, kAuth},
    {"GETSCRIPT", cmd_getscript, kAuth},
    {"DELETESCRIPT", cmd_deletescript, kAuth},
    {"RENAMESCRIPT", cmd_renamescript, kAuth},
};

// Bytes of a refused literal read at once while skipping it.
constexpr std::size_t kDiscardChunk = 64 * 1024;

}  // namespace

Session::Session(net::Connection& conn, services::Services& services, ScriptLimits limits)
    : conn_(conn), services_(services), limits_(limits) {}

asio::awaitable<void> Session::flush() { return net::flush(conn_.transport, out_); }

std::string Session::capabilities() const {
  CapabilityContext c;
  c.tls_active = conn_.transport.is_tls();
  c.can_start_tls = conn_.can_start_tls();
  if (state_ == State::Authenticated) c.owner = user_;
  return capability_lines(c);
}

asio::awaitable<Session::ReadResult> Session::read_command(CommandParser::Mode mode) {
  parser_.begin(mode);
  parser_.set_max_literal(mode == CommandParser::Mode::Command ? limits_.max_script_size : kMaxSaslLiteral);
  for (bool first = true;; first = false) {
    std::optional<std::string> line;
    if (first && mode == CommandParser::Mode::Command) {
      // Between commands a stopping server need not wait for the next one (net::Interrupted).
      try {
        line = co_await conn_.read_command_line();
      } catch (const net::LineTooLong&) {
      }
    } else {
      line = co_await net::read_line_within_limit(conn_.reader);
    }
    if (!line) {
      parser_.begin(mode);
      co_return ReadResult{std::nullopt, ParseError{"Line too long"}};
    }
    auto result = parser_.feed_line(*line);
    if (auto* command = std::get_if<Command>(&result)) co_return ReadResult{std::move(*command), std::nullopt};
    if (auto* error = std::get_if<ParseError>(&result)) co_return ReadResult{std::nullopt, std::move(*error)};
    const auto need = std::get<NeedLiteral>(result);
    if (need.discard) {
      for (std::size_t left = need.size; left > 0;) {
        std::size_t n = std::min(left, kDiscardChunk);
        co_await conn_.reader.read_exact(n);
        left -= n;
      }
      parser_.feed_literal({});
      continue;
    }
    if (need.synchronizing) {
      // A client that sends "{n}" instead of RFC 5804's "{n+}" waits for a go-ahead (ACAP, RFC 2244
      // §2.6.3 continuation "+" SP string) before sending the octets.
      send("+ \"Ready for literal data\"\r\n");
      co_await flush();
    }
    // No co_await inside ?: (GCC 12 destroys such temporaries twice).
    std::string bytes;
    if (need.size > 0) bytes = co_await conn_.reader.read_exact(need.size);
    parser_.feed_literal(std::move(bytes));
  }
}

asio::awaitable<std::string> Session::read_sasl_response() {
  co_await flush();
  auto r = co_await read_command(CommandParser::Mode::Response);
  if (r.error) {
    if (r.error->fatal) throw Bye{r.error->message};
    throw No{"Invalid SASL response: " + r.error->message};
  }
  if (r.command->args.size() != 1) throw No{"A SASL response is exactly one string"};
  co_return std::move(r.command->args[0].text);
}

asio::awaitable<void> Session::run() {
  auto idle = std::chrono::milliseconds(std::chrono::seconds(conn_.config.idle_timeout_seconds));
  conn_.transport.set_timeout(idle);
  conn_.reader.set_max_line_length(kMaxLine);
  // RFC 5804 §1.7: the greeting is the capability list; the OK text names the server.
  send(capabilities());
  send(ok("postamt ManageSieve ready"));
  co_await flush();
  while (!ended_) {
    auto r = co_await read_command(CommandParser::Mode::Command);
    if (r.error) {
      ++bad_commands_;
      if (r.error->fatal) {
        conn_.log.info("closing", {{"reason", "unrecoverable_literal"}, {"error", r.error->message}});
        send(bye(r.error->message));
        ended_ = true;
      } else {
        send(no(r.error->message, r.error->too_large ? code::kQuotaMaxSize : std::string_view{}));
      }
    } else {
      co_await dispatch(*r.command);
    }
    if (!ended_ && bad_commands_ >= kMaxBadCommands) {
      conn_.log.info("closing", {{"reason", "bad_commands"}});
      send(bye("Too many errors, closing connection"));
      ended_ = true;
    }
    // RFC 5804 §2: clients may pipeline; answers to a pipelined group go out together.
    if (ended_ || conn_.reader.buffered() == 0) co_await flush();
    if (!ended_ && conn_.stopping.load()) {
      conn_.log.info("closing", {{"reason", "server_stopping"}});
      send(bye("Server shutting down, try again later", code::kTryLater));
      co_await flush();
      break;
    }
  }
}

asio::awaitable<void> Session::dispatch(const Command& command) {
  const Entry* entry = nullptr;
  for (const auto& e : kCommands)
    if (e.name == command.name) entry = &e;
  if (!entry) {
    ++bad_commands_;
    send(no("Unknown command " + command.name.substr(0, 64)));
    co_return;
  }
  unsigned bit = state_ == State::Authenticated ? kAuth : kNonAuth;
  if ((entry->states & bit) == 0) {
    ++bad_commands_;
    if (state_ == State::NonAuthenticated)
      send(no(command.name + " is only allowed after AUTHENTICATE"));
    else
      send(no(command.name + " is not allowed after authentication"));
    co_return;
  }
  std::optional<No> refused;
  std::optional<Bye> goodbye;
  try {
    co_await entry->handler(*this, command);
  } catch (No& e) {
    refused = std::move(e);
  } catch (Bye& e) {
    goodbye = std::move(e);
  } catch (const net::Error&) {
    throw;
  } catch (const std::exception& e) {
    conn_.log.error("command_failed", {{"command", command.name}, {"error", e.what()}});
    refused = No{"Internal error, try again later", code::kTryLater};
  }
  if (refused) {
    if (refused->bad_command) ++bad_commands_;
    send(no(refused->text, refused->code));
  }
  if (goodbye) {
    send(bye(goodbye->text, goodbye->code));
    ended_ = true;
  }
}

asio::awaitable<void> Session::fail_auth(std::string_view user, std::string_view method, std::string_view reason) {
  ++auth_failures_;
  auto delay = services::record_auth_failure(services_.throttle(), conn_.log, remote_ip(), user, method, reason);
  co_await flush();  // answers to earlier pipelined commands are not held back by the delay
  co_await net::sleep_for(delay);
  // RFC 5804 §2.1 example: BYE after too many failed attempts.
  if (auth_failures_ >= kMaxAuthFailures) throw Bye{"Too many failed authentication attempts"};
  throw No{"Authentication failed."};
}

void Session::login(std::int64_t account, const std::string& address, std::string_view method) {
  services_.throttle().success(remote_ip(), address);
  account_ = account;
  user_ = address;
  state_ = State::Authenticated;
  // RFC 5804 §1.2: at least 30 minutes of inactivity are allowed once authenticated.
  conn_.transport.set_timeout(std::max<std::chrono::milliseconds>(conn_.transport.timeout(), kMinIdleTimeout));
  conn_.log.info("login", {{"user", address}, {"method", method}, {"tls", secure() ? "yes" : "no"}});
}

void Session::logout_user() {
  conn_.log.info("unauthenticate", {{"user", user_}});
  account_ = 0;
  user_.clear();
  state_ = State::NonAuthenticated;
}

}  // namespace postamt::managesieve
