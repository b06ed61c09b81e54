// SMTP / LMTP session loop: the 220 greeting (RFC 5321 §4.3.1), command dispatch with per-mode and
// per-state checks, reply batching for PIPELINING (RFC 2920 §3.1), the error limit and the RFC 5321
// §4.5.3.2.7 command timeout.
#include "smtp/session.hpp"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <variant>

#include "net/session_io.hpp"
#include "net/errors.hpp"
#include "services/services.hpp"
#include "smtp/commands.hpp"
#include "smtp/policy.hpp"
#include "smtp/protocol/limits.hpp"

namespace postamt::smtp {
namespace {

using protocol::Verb;
using Handler = asio::awaitable<void> (*)(Session&, const Command&);

constexpr unsigned kSmtp = 1, kLmtp = 2, kBoth = kSmtp | kLmtp;

struct Entry {
  Verb verb;
  Handler handler;
  unsigned modes;
};

// RFC 5321 §4.1.1, RFC 2033 §4.1 (LHLO replaces HELO/EHLO in LMTP), RFC 3207, RFC 4954, RFC 3030.
constexpr Entry kCommands[] = {
    {Verb::Ehlo, cmd_ehlo, kSmtp},     {Verb::Helo, cmd_ehlo, kSmtp},     {Verb::Lhlo, cmd_ehlo, kLmtp},
    {Verb::Starttls, cmd_starttls, kBoth}, {Verb::Auth, cmd_auth, kSmtp}, {Verb::Mail, cmd_mail, kBoth},
    {Verb::Rcpt, cmd_rcpt, kBoth},     {Verb::Data, cmd_data, kBoth},     {Verb::Bdat, cmd_bdat, kBoth},
    {Verb::Rset, cmd_rset, kBoth},     {Verb::Noop, cmd_noop, kBoth},     {Verb::Quit, cmd_quit, kBoth},
    {Verb::Vrfy, cmd_vrfy, kBoth},     {Verb::Help, cmd_help, kBoth},
};

}  // namespace

Session::Session(net::Connection& conn, services::Services& services, Mode mode)
    : conn_(conn), services_(services), mode_(mode) {
  relay_network_ = in_networks(conn.remote_address(), conn.config.relay_networks);
}

const std::string& Session::hostname() const { return conn_.config.hostname; }
std::uint64_t Session::max_message_size() const { return conn_.config.max_message_size; }

void Session::reply(const Reply& r) {
  if (!r.positive()) ++errors_;
  out_ += protocol::format_reply(r);
}

void Session::reply(int code, std::string_view enhanced, std::string_view text) {
  reply(Reply{code, std::string(enhanced), std::string(text)});
}

asio::awaitable<void> Session::flush() { return net::flush(conn_.transport, out_); }

asio::awaitable<void> Session::sleep(std::chrono::milliseconds delay) { return net::sleep_for(delay); }

asio::awaitable<std::string> Session::read_response_line() {
  co_await flush();
  auto line = co_await net::read_line_within_limit(conn_.reader);
  if (!line) throw Reply{500, "5.5.6", "Authentication exchange line is too long"};
  co_return std::move(*line);
}

void Session::set_helo(std::string name, bool esmtp) {
  helo_ = std::move(name);
  esmtp_ = esmtp;
  transaction_.reset();
}

const char* Session::relay_reason() const {
  if (auth_) return "authenticated";
  if (relay_network_) return "relay_networks";
  // Checked at each RCPT: the POP3/IMAP login may come after this connection was opened.
  if (services_.relay_grants().allowed(remote_ip())) return "pop_before_smtp";
  return nullptr;
}

void Session::reset_after_tls() {
  helo_.reset();
  esmtp_ = false;
  transaction_.reset();
  auth_.reset();
}

asio::awaitable<void> Session::greet() {
  // RFC 5321 §4.3.1 / RFC 2033 §4.1: the greeting names this host; "ESMTP" / "LMTP" as is customary.
  reply(220, "", hostname() + (lmtp() ? " LMTP" : " ESMTP") + " postamt ready");
  co_await flush();
}

asio::awaitable<void> Session::run() {
  conn_.transport.set_timeout(
      std::min<std::chrono::milliseconds>(kCommandTimeout, std::chrono::seconds(conn_.config.idle_timeout_seconds)));
  conn_.reader.set_max_line_length(protocol::kMaxAuthResponseLine);
  co_await greet();
  while (!ended_) {
    std::string line;
    bool too_long = false;
    try {
      // Outside a mail transaction a stopping server need not wait for the next command
      // (net::Interrupted: the server answers 421); a transaction may still finish.
      if (!transaction_ && conn_.reader.buffered() == 0) line = co_await conn_.read_command_line();
      else line = co_await conn_.reader.read_line();
    } catch (const net::LineTooLong&) {
      too_long = true;
    } catch (const net::Timeout&) {
      // RFC 5321 §4.5.3.2.7: say why before closing.
      conn_.log.info("closing", {{"reason", "timeout"}});
      reply(421, "4.4.2", hostname() + " Timeout waiting for a command, closing connection");
      ended_ = true;
      break;
    }
    if (too_long) {
      reply(500, "5.5.2", "Line too long");  // RFC 5321 §4.5.3.1.4
    } else {
      auto parsed = protocol::parse_command(line, {transaction_ && transaction_->params.smtputf8});
      if (auto* error = std::get_if<protocol::Error>(&parsed)) {
        reply(error->reply);
      } else {
        co_await dispatch(std::get<protocol::Command>(parsed));
      }
    }
    if (!ended_ && errors_ >= kMaxErrors) {
      conn_.log.info("closing", {{"reason", "too_many_errors"}});
      reply(421, "4.7.0", hostname() + " Too many errors, closing connection");
      ended_ = true;
    }
    if (!ended_ && conn_.stopping.load() && !transaction_) {
      conn_.log.info("closing", {{"reason", "server_stopping"}});
      reply(421, "4.3.2", hostname() + " Server shutting down, try again later");
      ended_ = true;
    }
    // RFC 2920 §3.1: replies to a pipelined group may be sent together; flush when the client waits.
    if (ended_ || conn_.reader.buffered() == 0 || out_.size() >= kFlushThreshold) co_await flush();
  }
  co_await flush();
}

asio::awaitable<void> Session::dispatch(const protocol::Command& command) {
  const Entry* entry = nullptr;
  for (const auto& e : kCommands)
    if (e.verb == command.verb) entry = &e;
  if (!entry || (entry->modes & (lmtp() ? kLmtp : kSmtp)) == 0) {
    reply(500, "5.5.1", std::string(protocol::verb_name(command.verb)) + " not recognized here");
    co_return;
  }
  std::optional<Reply> failure;
  try {
    co_await entry->handler(*this, command);
  } catch (Reply& r) {
    failure = std::move(r);
  } catch (const net::Error&) {
    throw;
  } catch (const std::exception& e) {
    conn_.log.error("command_failed", {{"command", protocol::verb_name(command.verb)}, {"error", e.what()}});
    failure = Reply{451, "4.3.0", "Internal error, try again later"};
  }
  if (failure) reply(*failure);
}

}  // namespace postamt::smtp
