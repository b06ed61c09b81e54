// POP3 session loop: greeting (with the RFC 1939 §7 APOP timestamp when APOP is enabled), command
// dispatch by state (RFC 1939 §3-§6), output batching for RFC 2449 §6.6 PIPELINING, login and
// throttled failure shared by USER/PASS, APOP and AUTH.
#include "pop3/session.hpp"

#include <openssl/rand.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <variant>

#include "common/offload.hpp"
#include "common/strings.hpp"
#include "store/acl.hpp"
#include "directory/apop_secrets.hpp"
#include "net/session_io.hpp"
#include "net/errors.hpp"
#include "pop3/commands.hpp"
#include "pop3/protocol/apop.hpp"
#include "pop3/protocol/limits.hpp"
#include "pop3/protocol/response.hpp"
#include "services/services.hpp"

namespace postamt::pop3 {
namespace {

using protocol::Verb;
using Handler = asio::awaitable<void> (*)(Session&, const Command&);

constexpr unsigned kInAuthorization = 1, kInTransaction = 2;

struct Entry {
  Verb verb;
  Handler handler;
  unsigned states;
};

// RFC 1939 §4-§7, RFC 2449 §5 (CAPA in both states), RFC 2595 §4 and RFC 5034 §4 (AUTHORIZATION only).
constexpr Entry kCommands[] = {
    {Verb::User, cmd_user, kInAuthorization},
    {Verb::Pass, cmd_pass, kInAuthorization},
    {Verb::Apop, cmd_apop, kInAuthorization},
    {Verb::Auth, cmd_auth, kInAuthorization},
    {Verb::Stls, cmd_stls, kInAuthorization},
    {Verb::Capa, cmd_capa, kInAuthorization | kInTransaction},
    {Verb::Quit, cmd_quit, kInAuthorization | kInTransaction},
    {Verb::Stat, cmd_stat, kInTransaction},
    {Verb::List, cmd_list, kInTransaction},
    {Verb::Retr, cmd_retr, kInTransaction},
    {Verb::Dele, cmd_dele, kInTransaction},
    {Verb::Noop, cmd_noop, kInTransaction},
    {Verb::Rset, cmd_rset, kInTransaction},
    {Verb::Top, cmd_top, kInTransaction},
    {Verb::Uidl, cmd_uidl, kInTransaction},
};

unsigned state_bit(State s) { return s == State::Authorization ? kInAuthorization : s == State::Transaction ? kInTransaction : 0; }

// "<pid.random.time@host>" (RFC 1939 §7: process id and clock, plus randomness so it is never reused).
std::string new_apop_timestamp(const std::string& hostname) {
  unsigned char random[8] = {};
  if (RAND_bytes(random, sizeof random) != 1) return {};
  std::string unique = std::to_string(::getpid()) + "." +
                       str::hex(std::string_view(reinterpret_cast<const char*>(random), sizeof random)) + "." +
                       std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
  std::string ts = protocol::make_apop_timestamp(unique, hostname.empty() ? "localhost" : hostname);
  return protocol::is_apop_timestamp(ts) ? ts : std::string();
}

}  // namespace

Session::Session(net::Connection& conn, services::Services& services) : conn_(conn), services_(services) {}

asio::awaitable<void> Session::flush() { return net::flush(conn_.transport, out_); }

asio::awaitable<void> Session::sleep(std::chrono::milliseconds delay) { return net::sleep_for(delay); }

asio::awaitable<std::string> Session::read_response_line() {
  co_await flush();
  auto line = co_await net::read_line_within_limit(conn_.reader);
  if (!line) throw Err{"Response line too long"};
  co_return std::move(*line);
}

asio::awaitable<void> Session::greet() {
  bool apop = false;
  try {
    apop = co_await offload([this] {
      return services_.with_directory([](directory::Directory& d) { return directory::apop_enabled(d.database()); });
    });
  } catch (const std::exception& e) {
    conn_.log.warn("apop_check_failed", {{"error", e.what()}});
  }
  if (apop) apop_timestamp_ = new_apop_timestamp(conn_.config.hostname);
  std::string text = "postamt POP3 server ready";
  if (!apop_timestamp_.empty()) text += " " + apop_timestamp_;
  send(protocol::ok(text));
  co_await flush();
}

asio::awaitable<void> Session::run() {
  auto idle = std::max<std::chrono::milliseconds>(std::chrono::seconds(conn_.config.idle_timeout_seconds),
                                                  kMinIdleTimeout);
  conn_.transport.set_timeout(idle);
  conn_.reader.set_max_line_length(protocol::kMaxAuthResponseLine);
  co_await greet();
  while (!ended_) {
    std::string line;
    bool too_long = false;
    try {
      line = co_await conn_.read_command_line();  // a stopping server need not wait (net::Interrupted)
    } catch (const net::LineTooLong&) {
      too_long = true;
    }
    if (too_long) {
      ++bad_commands_;
      send(protocol::err("Line too long"));
    } else {
      auto parsed = protocol::parse_command(line);
      if (auto* error = std::get_if<protocol::Error>(&parsed)) {
        ++bad_commands_;
        send(protocol::to_response(*error));
      } else {
        co_await dispatch(std::get<protocol::Command>(parsed));
      }
    }
    if (bad_commands_ >= kMaxBadCommands || auth_failures_ >= kMaxAuthFailures) {
      conn_.log.info("closing", {{"reason", bad_commands_ >= kMaxBadCommands ? "bad_commands" : "auth_failures"}});
      send(protocol::err("Too many errors, closing connection"));
      ended_ = true;
    }
    // RFC 2449 §6.6: answers to pipelined commands may go out together.
    if (ended_ || conn_.reader.buffered() == 0 || out_.size() >= kFlushThreshold) co_await flush();
    if (!ended_ && state_ == State::Authorization && conn_.stopping.load()) {
      conn_.log.info("closing", {{"reason", "server_stopping"}});
      break;
    }
  }
}

asio::awaitable<void> Session::dispatch(const protocol::Command& command) {
  const Entry* entry = nullptr;
  for (const auto& e : kCommands)
    if (e.verb == command.verb) entry = &e;
  // RFC 1939 §7: PASS only immediately after USER.
  if (command.verb != Verb::Pass) pending_user_.reset();
  if (!entry || (entry->states & state_bit(state_)) == 0) {
    ++bad_commands_;
    send(protocol::err(std::string(protocol::verb_name(command.verb)) + " not valid in this state"));
    co_return;
  }
  std::optional<Err> failure;
  try {
    co_await entry->handler(*this, command);
  } catch (Err& e) {
    failure = std::move(e);
  } catch (const net::Error&) {
    throw;
  } catch (const std::exception& e) {
    conn_.log.error("command_failed", {{"command", protocol::verb_name(command.verb)}, {"error", e.what()}});
    failure = Err{"Internal error, try again later", protocol::resp_code::kSysTemp};
  }
  if (failure) send(protocol::err(failure->text, failure->code));
}

asio::awaitable<void> Session::fail_auth(std::string_view user, std::string_view method, std::string_view reason) {
  ++auth_failures_;
  auto delay = services::record_auth_failure(services_.throttle(), conn_.log, remote_ip(), user, method, reason);
  co_await flush();  // answers to earlier pipelined commands are not held back by the delay
  co_await sleep(delay);
  throw Err{"Authentication failed.", protocol::resp_code::kAuth};
}

asio::awaitable<void> Session::open_maildrop(std::int64_t account, const std::string& address,
                                             std::string_view method) {
  services_.throttle().success(remote_ip(), address);
  auto lock = MaildropLock::try_acquire(account);
  if (!lock) {
    conn_.log.info("maildrop_in_use", {{"user", address}, {"method", method}});
    // RFC 2449 §8.1.1: authenticated, but the maildrop is locked by another POP3 session.
    throw Err{"Maildrop is locked by another POP3 session, try again later.", protocol::resp_code::kInUse};
  }
  struct Snapshot {
    std::uint32_t uidvalidity = 0;
    std::vector<store::MessageInfo> messages;
    bool found = false;
    std::string rights{store::kAllRights};  // the owner's own rights on INBOX (RFC 4314)
  };
  Snapshot snap;
  bool store_failed = false;
  try {
    snap = co_await offload([this, account] {
      return services_.with_store([account](store::MailStore& st) {
        Snapshot s;
        auto box = st.mailbox(account, "INBOX");
        if (!box) return s;
        s.found = true;
        s.uidvalidity = box->uidvalidity;
        if (st.owner_restricted(account)) s.rights = st.owner_rights(account, "INBOX").value_or(s.rights);
        if (store::acl::has(s.rights, 'r')) s.messages = st.messages(account, "INBOX");
        return s;
      });
    });
  } catch (const std::exception& e) {
    conn_.log.error("maildrop_open_failed", {{"user", address}, {"error", e.what()}});
    store_failed = true;
  }
  if (store_failed) throw Err{"Unable to open the maildrop, try again later.", protocol::resp_code::kSysTemp};
  if (!snap.found) {
    // RFC 3206 §4 SYS/PERM: retrying will not help; the administrator has to look at the account.
    conn_.log.error("maildrop_open_failed", {{"user", address}, {"error", "no INBOX"}});
    throw Err{"This account has no maildrop; contact the administrator.", protocol::resp_code::kSysPerm};
  }
  if (!store::acl::has(snap.rights, 'r')) {
    // RFC 4314 "r": the owner took away their own right to read INBOX (SETACL INBOX <self> ...).
    conn_.log.info("maildrop_denied", {{"user", address}, {"rights", snap.rights}});
    throw Err{"No permission to read INBOX (its ACL lacks the r right for you).", protocol::resp_code::kSysPerm};
  }
  lock_.emplace(std::move(*lock));
  maildrop_.emplace(account, snap.uidvalidity, std::move(snap.messages));
  rights_ = std::move(snap.rights);
  user_ = address;
  state_ = State::Transaction;
  conn_.log.info("login", {{"user", address}, {"method", method}, {"messages", maildrop_->live_count()},
                           {"octets", maildrop_->live_octets()}, {"tls", secure() ? "yes" : "no"}});
  send(protocol::ok("Logged in, maildrop has " + std::to_string(maildrop_->live_count()) + " messages (" +
                    std::to_string(maildrop_->live_octets()) + " octets)"));
}

}  // namespace postamt::pop3
