// One IMAP connection (DESIGN.md "Three layers", layer 2): a coroutine owning the connection, the
// RFC 9051 §3 state (not authenticated, authenticated, selected, logout), the incremental Receiver and
// a command table {command, handler, allowed states}. Handlers live in *_commands.cpp and throw No / Bad,
// which the dispatcher sends as "tag NO [code] text" / "tag BAD text".
#pragma once
// GCC 12 reports a false -Wmismatched-new-delete on asio's coroutine frame allocator (GCC PR 109224).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "imap/protocol/command.hpp"
#include "imap/protocol/limits.hpp"
#include "imap/protocol/receiver.hpp"
#include "net/asio.hpp"
#include "net/connection.hpp"
#include "services/change_bus.hpp"
#include "store/types.hpp"

namespace postamt::services {
class Services;
}

namespace postamt::imap {

namespace asio = boost::asio;

enum class State { NotAuthenticated, Authenticated, Selected, Logout };

// "tag NO [code] text" (RFC 9051 §7.1.2) and "tag BAD text" (§7.1.3).
struct No {
  std::string text;
  std::string code = {};  // response code without brackets, e.g. "TRYCREATE"
};
struct Bad {
  std::string text;
};

// The exact refusal of a password sent before TLS (DESIGN.md "Network and TLS").
inline constexpr std::string_view kCleartextRefusal =
    "Cleartext authentication disallowed on non-secure (SSL/TLS) connections.";
inline constexpr int kMaxBadCommands = 30;
inline constexpr int kMaxAuthFailures = 5;
inline constexpr std::size_t kFlushThreshold = 64 * 1024;
// RFC 9051 §5.4: the autologout timer is at least 30 minutes (IDLE clients re-issue every 29).
inline constexpr std::chrono::seconds kMinIdleTimeout{1800};
inline constexpr std::chrono::seconds kPreAuthTimeout{60};
// How stale a selected mailbox may get before a command re-reads it although no write of this process
// was announced: the delay until changes by other processes (`postamt deliver`) show, as in IDLE.
inline constexpr std::chrono::seconds kCrossProcessPoll{1};
// However unchanged the index files look, a selected mailbox is re-read this often (a safety net
// for a change the files' size and time could not show).
inline constexpr std::chrono::seconds kCrossProcessReread{60};

// The selected mailbox as this connection sees it: the message sequence number map (index + 1 is the
// message number, RFC 9051 §2.3.1.2) that changes only when this connection reports them.
struct Selected {
  std::string name;  // canonical UTF-8 name in the owner's account
  store::AccountId account = 0;  // the owner's account (another user's for a shared mailbox)
  std::string rights;            // the user's ACL rights on it (RFC 4314 §2.1)
  bool read_only = false;
  std::uint32_t uidvalidity = 0, uidnext = 0;
  std::uint64_t highestmodseq = 0;
  std::vector<store::MessageInfo> messages;  // ascending UID
  std::set<std::uint32_t> recent;            // \Recent for this session (IMAP4rev1)
  std::vector<std::uint32_t> saved;          // SEARCHRES "$" (UIDs), RFC 5182
  bool saved_valid = false;
  // Session::sync's last store read: the account's ChangeBus generation before it, when, and whether
  // it left changes unreported (expunges deferred by RFC 9051 §7.5.1) that a later sync must read again.
  std::uint64_t synced_generation = 0;
  std::chrono::steady_clock::time_point synced_at{};
  std::chrono::steady_clock::time_point stamp_checked_at{};
  std::uint64_t synced_stamp = 0;  // MailStore::change_stamp at the last re-read
  bool sync_deferred = true;

  // Index of `uid` in messages, or npos.
  std::size_t index_of(std::uint32_t uid) const;
  std::uint32_t max_uid() const { return messages.empty() ? 0 : messages.back().uid; }
};

class Session {
 public:
  Session(net::Connection& conn, services::Services& services);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  asio::awaitable<void> run();

  // --- for the command handlers ---
  net::Connection& conn() { return conn_; }
  services::Services& services() { return services_; }
  const log::ConnectionLog& log() const { return conn_.log; }
  State state() const { return state_; }
  bool secure() const { return conn_.transport.is_tls(); }
  std::string remote_ip() const { return conn_.transport.remote_address(); }

  void send(std::string_view bytes) { out_.append(bytes); }
  std::string& out() { return out_; }
  asio::awaitable<void> flush();
  // Text after "tag OK " for the current command (default "<NAME> completed").
  void set_ok(std::string text) { ok_text_ = std::move(text); }
  // The handler already sent its tagged reply (STARTTLS).
  void mark_replied() { replied_ = true; }
  // A line outside command framing (AUTHENTICATE responses, IDLE's DONE); flushes first.
  asio::awaitable<std::string> read_line();
  asio::awaitable<void> sleep(std::chrono::milliseconds delay);

  // The capability list for the current state ("IMAP4rev1 IMAP4rev2 ...", no "CAPABILITY").
  std::string capabilities() const;

  // Authentication succeeded: enter the authenticated state, subscribe to changes.
  void login(std::int64_t account, const std::string& address, std::string_view method);
  // A failed authentication: waits the throttle delay, logs, throws No [AUTHENTICATIONFAILED].
  asio::awaitable<void> fail_auth(std::string_view user, std::string_view method, std::string_view reason);
  void reset_after_tls() { /* RFC 9051 §6.2.1: nothing learned before TLS is kept (no state yet) */ }
  void end() {
    state_ = State::Logout;
    ended_ = true;
  }

  std::int64_t account() const { return account_; }
  const std::string& user() const { return user_; }

  // ENABLEd extensions (RFC 5161).
  bool rev2 = false, utf8 = false, condstore = false;
  bool qresync = false;  // RFC 7162 §3.2.3: implies condstore; VANISHED replaces EXPUNGE
  bool utf8_names() const { return rev2 || utf8; }

  // Mailbox name from the wire (mUTF-7 or UTF-8) -> canonical UTF-8; throws Bad on invalid names.
  std::string mailbox_name(std::string_view wire) const;
  // Appends a mailbox name for a response.
  void append_mailbox(std::string& out, std::string_view name) const;

  // The selected mailbox (state Selected).
  Selected& selected() { return *selected_; }
  bool has_selected() const { return selected_.has_value(); }
  // Selecting another account's mailbox (shared or public) also listens to that account's changes,
  // so IDLE there wakes at once like in one's own.
  void select(Selected sel);
  void deselect() {
    selected_.reset();
    foreign_subscription_.reset();
    state_ = State::Authenticated;
  }

  // Brings the selected mailbox up to date and reports the differences as untagged EXISTS, RECENT,
  // FETCH (FLAGS) and, when `allow_expunge`, EXPUNGE (RFC 9051 §7.5.1: not during FETCH, STORE, SEARCH).
  asio::awaitable<void> sync(bool allow_expunge);
  // Removes the messages at `indexes` from this session's view and reports them: "* n EXPUNGE" (highest
  // number first, RFC 9051 §7.5.1) or, once QRESYNC is enabled, one "* VANISHED uids" (RFC 7162 §3.2.10).
  void report_expunged(std::vector<std::size_t> indexes);
  // "* n FETCH (FLAGS (...) UID u [MODSEQ (m)])" for message index i.
  void send_flags(std::size_t index, bool with_uid);
  // A change was published for this account (or IDLE's poll interval passed): wakes IDLE.
  bool changes_pending() const { return *pending_; }
  asio::steady_timer& wake_timer() { return *wake_; }

 private:
  asio::awaitable<void> greet();
  asio::awaitable<void> handle(const protocol::RawCommand& raw);

  net::Connection& conn_;
  services::Services& services_;
  protocol::Limits limits_;
  protocol::Receiver receiver_;
  State state_ = State::NotAuthenticated;
  std::string out_;
  std::string ok_text_;
  std::int64_t account_ = 0;
  std::string user_;
  std::optional<Selected> selected_;
  std::shared_ptr<bool> pending_;
  std::shared_ptr<asio::steady_timer> wake_;
  std::unique_ptr<services::ChangeBus::Subscription> subscription_;
  std::unique_ptr<services::ChangeBus::Subscription> foreign_subscription_;  // the selected foreign account
  // A ChangeBus subscription that marks changes pending and wakes IDLE.
  std::unique_ptr<services::ChangeBus::Subscription> listen(store::AccountId account);
  int bad_commands_ = 0;
  int auth_failures_ = 0;
  bool ended_ = false;
  bool replied_ = false;
};

}  // namespace postamt::imap
