// IMAP session loop: greeting (RFC 9051 §7.1.1 with CAPABILITY), framing through the incremental
// Receiver (literals, "+" continuations, limits), dispatch by state (RFC 9051 §3, §6), tagged
// OK/NO/BAD, and the selected mailbox's synchronisation with other sessions (RFC 9051 §7.5.1).
#include "imap/session.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <cctype>
#include <variant>

#include "common/offload.hpp"
#include "imap/commands.hpp"
#include "imap/envelope_cache.hpp"
#include "imap/protocol/mutf7.hpp"
#include "imap/protocol/parser.hpp"
#include "imap/protocol/sequence_set.hpp"
#include "imap/protocol/writer.hpp"
#include "net/session_io.hpp"
#include "net/errors.hpp"
#include "sasl/sasl.hpp"
#include "services/services.hpp"
#include "store/mailbox_names.hpp"

namespace postamt::imap {
namespace {

constexpr unsigned kNotAuth = 1, kAuth = 2, kSel = 4, kAny = 7, kAuthSel = 6;

struct Entry {
  std::string_view name;
  Handler handler;
  unsigned states;
  bool expunge_ok;  // untagged EXPUNGE may follow (RFC 9051 §7.5.1: not after FETCH, STORE, SEARCH)
};

// Indexed like the protocol::Command variant.
constexpr std::array<Entry, std::variant_size_v<Command>> kCommands = {{
    {"CAPABILITY", cmd_capability, kAny, true},
    {"NOOP", cmd_noop, kAny, true},
    {"LOGOUT", cmd_logout, kAny, false},
    {"STARTTLS", cmd_starttls, kNotAuth, false},
    {"CHECK", cmd_noop, kSel, true},
    {"AUTHENTICATE", cmd_authenticate, kNotAuth, false},
    {"LOGIN", cmd_login, kNotAuth, false},
    {"ENABLE", cmd_enable, kAuth, false},  // RFC 5161 §3.1: authenticated state only
    {"SELECT", cmd_select, kAuthSel, false},
    {"CREATE", cmd_create, kAuthSel, true},
    {"DELETE", cmd_delete, kAuthSel, true},
    {"RENAME", cmd_rename, kAuthSel, true},
    {"SUBSCRIBE", cmd_subscribe, kAuthSel, true},
    {"UNSUBSCRIBE", cmd_unsubscribe, kAuthSel, true},
    {"LIST", cmd_list, kAuthSel, true},
    {"LSUB", cmd_lsub, kAuthSel, true},
    {"NAMESPACE", cmd_namespace, kAuthSel, true},
    {"STATUS", cmd_status, kAuthSel, true},
    {"APPEND", cmd_append, kAuthSel, true},
    {"IDLE", cmd_idle, kAuthSel, false},
    {"CLOSE", cmd_close, kSel, false},
    {"UNSELECT", cmd_unselect, kSel, false},
    {"EXPUNGE", cmd_expunge, kSel, true},
    {"SEARCH", cmd_search, kSel, false},
    {"FETCH", cmd_fetch, kSel, false},
    {"STORE", cmd_store, kSel, false},
    {"COPY", cmd_copy, kSel, true},
    {"MOVE", cmd_move, kSel, true},
    {"ID", cmd_id, kAny, false},
    {"GETQUOTA", cmd_getquota, kAuthSel, true},
    {"GETQUOTAROOT", cmd_getquotaroot, kAuthSel, true},
    {"SETQUOTA", cmd_setquota, kAuthSel, true},
    {"GETACL", cmd_getacl, kAuthSel, true},
    {"SETACL", cmd_setacl, kAuthSel, true},
    {"DELETEACL", cmd_deleteacl, kAuthSel, true},
    {"LISTRIGHTS", cmd_listrights, kAuthSel, true},
    {"MYRIGHTS", cmd_myrights, kAuthSel, true},
    {"GETMETADATA", cmd_getmetadata, kAuthSel, true},
    {"SETMETADATA", cmd_setmetadata, kAuthSel, true},
}};

unsigned state_bit(State s) {
  switch (s) {
    case State::NotAuthenticated: return kNotAuth;
    case State::Authenticated: return kAuth;
    case State::Selected: return kSel;
    case State::Logout: return 0;
  }
  return 0;
}

struct TrailingLiteral {
  std::uint64_t size = 0;
  bool sync = true;
};

// "{123}" / "{123+}" / "~{123}" at the end of a line: literal data follows (RFC 9051 §4.3, RFC 7888).
std::optional<TrailingLiteral> trailing_literal(std::string_view line) {
  if (line.empty() || line.back() != '}') return std::nullopt;
  auto open = line.rfind('{');
  if (open == std::string_view::npos) return std::nullopt;
  std::string_view inner = line.substr(open + 1, line.size() - open - 2);
  TrailingLiteral lit;
  if (!inner.empty() && (inner.back() == '+' || inner.back() == '-')) {
    lit.sync = false;
    inner.remove_suffix(1);
  }
  if (inner.empty() || inner.size() > 19) return std::nullopt;
  for (char c : inner) {
    if (c < '0' || c > '9') return std::nullopt;
    lit.size = lit.size * 10 + static_cast<unsigned>(c - '0');
  }
  return lit;
}

std::string command_name(const protocol::RawCommand& raw) {
  std::string n = raw.name;
  if (n == "UID") {
    auto sp = raw.args.find(' ');
    n += " " + raw.args.substr(0, std::min<std::size_t>(sp, 16));
    for (auto& ch : n) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  return n;
}

}  // namespace

std::size_t Selected::index_of(std::uint32_t uid) const {
  auto it = std::lower_bound(messages.begin(), messages.end(), uid,
                             [](const store::MessageInfo& m, std::uint32_t u) { return m.uid < u; });
  if (it == messages.end() || it->uid != uid) return std::string::npos;
  return static_cast<std::size_t>(it - messages.begin());
}

Session::Session(net::Connection& conn, services::Services& services)
    : conn_(conn),
      services_(services),
      pending_(std::make_shared<bool>(false)),
      wake_(std::make_shared<asio::steady_timer>(conn.transport.get_executor())) {
  limits_.max_literal = std::max<std::uint64_t>(conn.config.max_message_size, 64 * 1024);
  limits_.max_command = limits_.max_literal + 1024 * 1024;
  receiver_.set_limits(limits_);
}

Session::~Session() {
  foreign_subscription_.reset();
  subscription_.reset();
}

asio::awaitable<void> Session::flush() { return net::flush(conn_.transport, out_); }

asio::awaitable<void> Session::sleep(std::chrono::milliseconds delay) { return net::sleep_for(delay); }

asio::awaitable<std::string> Session::read_line() {
  co_await flush();
  auto line = co_await net::read_line_within_limit(conn_.reader);
  if (!line) throw Bad{"Line too long"};
  co_return std::move(*line);
}

std::string Session::capabilities() const {
  std::string caps = "IMAP4rev1 IMAP4rev2";
  if (state_ == State::NotAuthenticated) {
    if (conn_.can_start_tls()) caps += " STARTTLS";
    // RFC 9051 §6.2.3: LOGIN is refused until TLS; only the mechanisms that fit the channel.
    if (!secure()) caps += " LOGINDISABLED";
    for (const auto& m : sasl::mechanisms(secure())) caps += " AUTH=" + m;
    caps += " SASL-IR";
  }
  caps += " LITERAL+ ID ENABLE IDLE NAMESPACE UNSELECT CHILDREN SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED"
          " LIST-STATUS UIDPLUS MOVE ESEARCH SEARCHRES CONDSTORE QRESYNC STATUS=SIZE UTF8=ACCEPT BINARY"
          " OBJECTID PREVIEW QUOTA QUOTASET QUOTA=RES-STORAGE QUOTA=RES-MESSAGE ACL RIGHTS=texk METADATA";
  caps += " APPENDLIMIT=" + std::to_string(limits_.max_literal);
  return caps;
}

asio::awaitable<void> Session::greet() {
  send("* OK [CAPABILITY " + capabilities() + "] postamt IMAP4rev2 server ready\r\n");
  co_await flush();
}

asio::awaitable<void> Session::run() {
  conn_.transport.set_timeout(kPreAuthTimeout);
  conn_.reader.set_max_line_length(limits_.max_line);
  co_await greet();
  while (!ended_) {
    std::string line;
    bool too_long = false;
    try {
      // Between commands a stopping server need not wait for the next one (net::Interrupted).
      if (receiver_.between_commands()) line = co_await conn_.read_command_line();
      else line = co_await conn_.reader.read_line();
    } catch (const net::LineTooLong&) {
      too_long = true;
    }
    if (too_long) {
      ++bad_commands_;
      receiver_ = protocol::Receiver(limits_);
      send("* BAD Line too long\r\n");
      co_await flush();
      continue;
    }
    auto literal = trailing_literal(line);
    line += "\r\n";
    receiver_.feed(line);
    bool awaiting_literal = false;
    for (bool more = true; more && !ended_;) {
      auto ev = receiver_.next();
      if (std::holds_alternative<protocol::NeedMore>(ev)) {
        // A non-synchronising literal follows without a continuation (RFC 7888).
        if (literal && !literal->sync && !awaiting_literal) awaiting_literal = true;
        if (!awaiting_literal) break;
      } else if (std::holds_alternative<protocol::NeedContinuation>(ev)) {
        send("+ Ready for literal data\r\n");
        co_await flush();
        awaiting_literal = true;
      } else if (auto* raw = std::get_if<protocol::RawCommand>(&ev)) {
        co_await handle(*raw);
        break;
      } else if (auto* err = std::get_if<protocol::ReceiveError>(&ev)) {
        ++bad_commands_;
        if (err->fatal) {
          send("* BYE " + err->text + "\r\n");
          ended_ = true;
          break;
        }
        send((err->tag.empty() ? std::string("*") : err->tag) + " BAD " + err->text + "\r\n");
        // A skipped non-synchronising literal still arrives and is read below.
        if (!(literal && !literal->sync)) break;
        awaiting_literal = true;
      }
      if (awaiting_literal) {
        auto data = co_await conn_.reader.read_exact(static_cast<std::size_t>(literal->size));
        receiver_.feed(data);
        awaiting_literal = false;
        literal.reset();
        more = true;
        // After the literal the rest of the command line follows: NeedMore ends this round.
        auto ev2 = receiver_.next();
        if (std::holds_alternative<protocol::NeedMore>(ev2)) break;
        if (auto* raw2 = std::get_if<protocol::RawCommand>(&ev2)) {
          co_await handle(*raw2);
          break;
        }
        if (auto* err2 = std::get_if<protocol::ReceiveError>(&ev2)) {
          ++bad_commands_;
          send((err2->tag.empty() ? std::string("*") : err2->tag) + (err2->fatal ? " BYE " : " BAD ") +
               err2->text + "\r\n");
          if (err2->fatal) ended_ = true;
        }
        break;
      }
    }
    if (bad_commands_ >= kMaxBadCommands || auth_failures_ >= kMaxAuthFailures) {
      conn_.log.info("closing", {{"reason", bad_commands_ >= kMaxBadCommands ? "bad_commands" : "auth_failures"}});
      send("* BYE Too many errors, closing connection\r\n");
      ended_ = true;
    }
    if (ended_ || conn_.reader.buffered() == 0 || out_.size() >= kFlushThreshold) co_await flush();
    if (!ended_ && conn_.stopping.load() && state_ == State::NotAuthenticated) {
      send("* BYE Server shutting down\r\n");
      co_await flush();
      break;
    }
  }
}

asio::awaitable<void> Session::handle(const protocol::RawCommand& raw) {
  auto parsed = protocol::parse_command(raw, limits_);
  if (!parsed.ok()) {
    ++bad_commands_;
    send(raw.tag + " BAD " + parsed.error + "\r\n");
    co_return;
  }
  const Command& command = *parsed.command;
  const Entry& entry = kCommands[command.index()];
  if (!entry.handler) {
    ++bad_commands_;
    send(raw.tag + " BAD Command " + std::string(entry.name) + " not supported\r\n");
    co_return;
  }
  if ((entry.states & state_bit(state_)) == 0) {
    ++bad_commands_;
    std::string why = state_ == State::NotAuthenticated ? "Log in first" : "Not valid in this state";
    send(raw.tag + " BAD " + command_name(raw) + ": " + why + "\r\n");
    co_return;
  }
  ok_text_ = command_name(raw) + " completed";
  replied_ = false;
  std::optional<No> no;
  std::optional<Bad> bad;
  try {
    co_await entry.handler(*this, raw.tag, command);
  } catch (No& e) {
    no = std::move(e);
  } catch (Bad& e) {
    bad = std::move(e);
  } catch (const net::Error&) {
    throw;
  } catch (const store::NoSuchMailbox& e) {
    no = No{"Mailbox does not exist", "NONEXISTENT"};
  } catch (const store::NoSuchAccount&) {
    no = No{"Mailbox does not exist", "NONEXISTENT"};  // e.g. no public folder created yet
  } catch (const store::QuotaExceeded&) {
    no = No{"Quota exceeded", "OVERQUOTA"};  // RFC 9208 §4.3.1
  } catch (const store::MailboxExists& e) {
    no = No{"Mailbox already exists", "ALREADYEXISTS"};
  } catch (const store::Error& e) {
    no = No{e.what(), "CANNOT"};
  } catch (const std::exception& e) {
    conn_.log.error("command_failed", {{"command", entry.name}, {"error", e.what()}});
    no = No{"Internal error, try again later", "SERVERBUG"};
  }
  // Updates from other sessions at the moments RFC 9051 §7.5.1 allows.
  if (state_ == State::Selected && !ended_) {
    try {
      bool uid_form = raw.name == "UID";
      co_await sync(entry.expunge_ok || uid_form);
    } catch (const net::Error&) {
      throw;
    } catch (const std::exception& e) {
      conn_.log.warn("sync_failed", {{"error", e.what()}});
    }
  }
  if (replied_) {
    // nothing more
  } else if (no) {
    send(raw.tag + " NO " + (no->code.empty() ? "" : "[" + no->code + "] ") + no->text + "\r\n");
  } else if (bad) {
    ++bad_commands_;
    send(raw.tag + " BAD " + bad->text + "\r\n");
  } else {
    send(raw.tag + " OK " + ok_text_ + "\r\n");
  }
}

std::unique_ptr<services::ChangeBus::Subscription> Session::listen(store::AccountId account) {
  auto executor = conn_.transport.get_executor();
  std::weak_ptr<bool> pending = pending_;
  std::weak_ptr<asio::steady_timer> wake = wake_;
  return services_.bus().subscribe(account, [executor, pending, wake](const store::Change&) {
    asio::post(executor, [pending, wake] {
      auto p = pending.lock();
      auto w = wake.lock();
      if (!p || !w) return;
      *p = true;
      w->cancel();
    });
  });
}

void Session::select(Selected sel) {
  foreign_subscription_.reset();
  if (sel.account != account_) foreign_subscription_ = listen(sel.account);
  selected_.emplace(std::move(sel));
  state_ = State::Selected;
}

void Session::login(std::int64_t account, const std::string& address, std::string_view method) {
  services_.throttle().success(remote_ip(), address);
  account_ = account;
  user_ = address;
  state_ = State::Authenticated;
  conn_.transport.set_timeout(std::max<std::chrono::milliseconds>(
      std::chrono::seconds(conn_.config.idle_timeout_seconds), kMinIdleTimeout));
  subscription_ = listen(account);
  conn_.log.info("login", {{"user", address}, {"method", method}, {"tls", secure() ? "yes" : "no"}});
  set_ok("[CAPABILITY " + capabilities() + "] Logged in");
}

asio::awaitable<void> Session::fail_auth(std::string_view user, std::string_view method, std::string_view reason) {
  ++auth_failures_;
  auto delay = services::record_auth_failure(services_.throttle(), conn_.log, remote_ip(), user, method, reason);
  co_await flush();
  co_await sleep(delay);
  throw No{"Authentication failed.", "AUTHENTICATIONFAILED"};
}

std::string Session::mailbox_name(std::string_view wire) const {
  auto name = protocol::decode_mailbox_name(wire, utf8_names());
  if (!name) throw Bad{"Invalid mailbox name encoding"};
  return store::lookup_name(*name);
}

void Session::append_mailbox(std::string& out, std::string_view name) const {
  protocol::append_mailbox(out, name, utf8_names());
}

void Session::report_expunged(std::vector<std::size_t> indexes) {
  if (indexes.empty()) return;
  auto& sel = *selected_;
  std::sort(indexes.begin(), indexes.end());
  indexes.erase(std::unique(indexes.begin(), indexes.end()), indexes.end());
  std::vector<std::uint32_t> uids;
  for (std::size_t k = indexes.size(); k-- > 0;) {
    const std::size_t i = indexes[k];
    const std::uint32_t uid = sel.messages[i].uid;
    if (!qresync) send("* " + std::to_string(i + 1) + " EXPUNGE\r\n");
    uids.push_back(uid);
    sel.recent.erase(uid);
    sel.messages.erase(sel.messages.begin() + static_cast<std::ptrdiff_t>(i));
  }
  // RFC 7162 §3.2.10: after ENABLE QRESYNC, VANISHED (without EARLIER) replaces EXPUNGE.
  if (qresync) send("* VANISHED " + protocol::format_sequence_set(std::move(uids)) + "\r\n");
}

void Session::send_flags(std::size_t index, bool with_uid) {
  const auto& m = selected_->messages[index];
  std::vector<std::string> flags = m.flags;
  if (selected_->recent.count(m.uid)) flags.push_back("\\Recent");
  std::string line = "* " + std::to_string(index + 1) + " FETCH (";
  if (with_uid) line += "UID " + std::to_string(m.uid) + " ";
  line += "FLAGS " + protocol::format_flag_list(flags);
  if (condstore) line += " MODSEQ (" + std::to_string(m.modseq) + ")";
  line += ")\r\n";
  send(line);
}

asio::awaitable<void> Session::sync(bool allow_expunge) {
  if (!selected_) co_return;
  *pending_ = false;
  struct Snapshot {
    std::optional<store::MailboxInfo> info;
    std::vector<store::MessageInfo> messages;
    std::vector<std::uint32_t> recent;
    bool loaded = false;
  };
  auto& sel = *selected_;
  // Re-read the mailbox only when something may have changed: a write in this process (the account's
  // ChangeBus generation moved, this session's own writes included), an earlier sync that deferred
  // expunges, or a write by another process (`postamt deliver`): checked at most every
  // kCrossProcessPoll by the index files' stamp (a stat, no query), and re-read every
  // kCrossProcessReread regardless.
  const std::uint64_t generation = services_.bus().generation(sel.account);
  const auto now = std::chrono::steady_clock::now();
  std::uint64_t stamp = sel.synced_stamp;
  if (!sel.sync_deferred && generation == sel.synced_generation) {
    if (now - sel.stamp_checked_at < kCrossProcessPoll) co_return;
    sel.stamp_checked_at = now;
    stamp = services_.with_store([&sel](store::MailStore& st) { return st.change_stamp(sel.account); });
    if (stamp != 0 && stamp == sel.synced_stamp && now - sel.synced_at < kCrossProcessReread) co_return;
  } else {
    stamp = services_.with_store([&sel](store::MailStore& st) { return st.change_stamp(sel.account); });
  }
  const std::int64_t account = sel.account;
  const std::string name = sel.name;
  const std::uint32_t uidnext = sel.uidnext;
  const std::uint64_t modseq = sel.highestmodseq;
  const std::size_t count = sel.messages.size();
  const bool claim = !sel.read_only;
  Snapshot snap = co_await offload([this, account, &name, uidnext, modseq, count, claim] {
    return services_.with_store([&](store::MailStore& st) {
      Snapshot s;
      s.info = st.mailbox(account, name);
      if (!s.info) return s;
      if (s.info->uidnext == uidnext && s.info->highestmodseq == modseq && s.info->messages == count) return s;
      s.messages = st.messages(account, name);
      move_structures_to(EnvelopeCache::shared(), s.messages);
      s.loaded = true;
      if (claim && s.info->uidnext != uidnext) s.recent = st.claim_recent(account, name);
      return s;
    });
  });
  if (!snap.info) {
    // RFC 9051 §7.1.5: the selected mailbox was deleted or renamed by another session.
    send("* BYE Selected mailbox no longer exists\r\n");
    end();
    co_return;
  }
  sel.synced_generation = generation;
  sel.synced_at = now;
  sel.stamp_checked_at = now;
  sel.synced_stamp = stamp;  // taken before the read: a write after it shows at the next check
  sel.sync_deferred = false;
  if (!snap.loaded) co_return;
  for (auto uid : snap.recent) sel.recent.insert(uid);
  const auto& fresh = snap.messages;
  auto present = [&](std::uint32_t uid) {
    auto it = std::lower_bound(fresh.begin(), fresh.end(), uid,
                               [](const store::MessageInfo& m, std::uint32_t u) { return m.uid < u; });
    return it != fresh.end() && it->uid == uid;
  };
  bool deferred = false;
  if (allow_expunge) {
    std::vector<std::size_t> gone;
    for (std::size_t i = 0; i < sel.messages.size(); ++i)
      if (!present(sel.messages[i].uid)) gone.push_back(i);
    report_expunged(std::move(gone));
  }
  // Flag changes of messages this session knows.
  std::size_t j = 0;
  for (std::size_t i = 0; i < sel.messages.size(); ++i) {
    auto& m = sel.messages[i];
    while (j < fresh.size() && fresh[j].uid < m.uid) ++j;
    if (j >= fresh.size() || fresh[j].uid != m.uid) {
      deferred = true;  // expunged elsewhere, reported later
      continue;
    }
    if (fresh[j].modseq != m.modseq) {
      bool changed = fresh[j].flags != m.flags;
      m.flags = fresh[j].flags;
      m.modseq = fresh[j].modseq;
      if (changed || condstore) send_flags(i, true);
    }
  }
  // New messages.
  const std::uint32_t max_uid = sel.max_uid();
  bool added = false;
  for (const auto& m : fresh)
    if (m.uid > max_uid) {
      sel.messages.push_back(m);
      added = true;
    }
  if (added) {
    send("* " + std::to_string(sel.messages.size()) + " EXISTS\r\n");
    if (!rev2) send("* " + std::to_string(sel.recent.size()) + " RECENT\r\n");
  }
  sel.uidnext = snap.info->uidnext;
  if (!deferred) sel.highestmodseq = snap.info->highestmodseq;
  sel.sync_deferred = deferred;
}

std::vector<std::size_t> resolve_set(Session& s, const protocol::SequenceSet& set, bool uid) {
  auto& sel = s.selected();
  std::vector<std::size_t> out;
  if (set.saved) {
    // RFC 5182 §2.1: "$" names the UIDs saved by SEARCH RETURN (SAVE).
    for (auto u : sel.saved) {
      auto i = sel.index_of(u);
      if (i != std::string::npos) out.push_back(i);
    }
    return out;
  }
  if (uid) {
    const std::uint32_t star = sel.max_uid();
    for (const auto& r : set.resolve(star)) {
      auto it = std::lower_bound(sel.messages.begin(), sel.messages.end(), r.first,
                                 [](const store::MessageInfo& m, std::uint32_t u) { return m.uid < u; });
      for (; it != sel.messages.end() && it->uid <= r.last; ++it)
        out.push_back(static_cast<std::size_t>(it - sel.messages.begin()));
    }
    // RFC 9051 §6.4.8: "*" in a UID set on a non-empty mailbox always names the last message.
    if (out.empty() && set.uses_star() && !sel.messages.empty()) out.push_back(sel.messages.size() - 1);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
  const auto count = static_cast<std::uint32_t>(sel.messages.size());
  if (count == 0) {
    if (set.uses_star()) return out;
    throw Bad{"Invalid message sequence number (mailbox is empty)"};
  }
  for (const auto& r : set.resolve(count)) {
    if (r.last > count) throw Bad{"Invalid message sequence number " + std::to_string(r.last)};
    for (std::uint32_t n = r.first; n <= r.last; ++n) out.push_back(n - 1);
  }
  return out;
}

}  // namespace postamt::imap
