// Message changes in the selected mailbox: STORE with +/-FLAGS(.SILENT) and UNCHANGEDSINCE (RFC 9051
// §6.4.6, RFC 7162 §3.1.3), COPY with COPYUID (§6.4.7, UIDPLUS RFC 4315) and MOVE (RFC 6851) as one
// store transaction each (MailStore::copy_messages / move_messages), EXPUNGE and
// UID EXPUNGE (§6.4.3, §6.4.9).
#include <algorithm>
#include <string>

#include "common/offload.hpp"
#include "imap/access.hpp"
#include "imap/commands.hpp"
#include "imap/protocol/sequence_set.hpp"
#include "imap/protocol/writer.hpp"
#include "services/services.hpp"

namespace postamt::imap {
namespace {

void require_writable(Session& s) {
  if (s.selected().read_only) throw No{"Mailbox is read-only", "READ-ONLY"};
}

// Applies FlagsChanged changes of the selected mailbox to this session's view; returns the indexes.
std::vector<std::size_t> apply_flag_changes(Session& s, const store::Changes& changes) {
  auto& sel = s.selected();
  std::vector<std::size_t> changed;
  for (const auto& ch : changes) {
    if (ch.kind != store::Change::Kind::FlagsChanged || ch.mailbox != sel.name) continue;
    auto i = sel.index_of(ch.uid);
    if (i == std::string::npos) continue;
    sel.messages[i].flags = ch.flags;
    sel.messages[i].modseq = ch.modseq;
    changed.push_back(i);
  }
  return changed;
}

// Removes `uids` from the store and reports them as EXPUNGE or VANISHED (RFC 9051 §7.5.1, RFC 7162 §3.2.10).
asio::awaitable<void> expunge_uids(Session& s, std::vector<std::uint32_t> uids) {
  if (uids.empty()) co_return;
  auto& sel = s.selected();
  const auto account = sel.account;
  const std::string name = sel.name;
  co_await offload([&] {
    s.services().change_store([&](store::MailStore& st, store::Changes& changes) {
      st.expunge(account, name, uids, changes);
    });
  });
  std::sort(uids.begin(), uids.end());
  std::vector<std::size_t> gone;
  for (std::size_t i = 0; i < sel.messages.size(); ++i)
    if (std::binary_search(uids.begin(), uids.end(), sel.messages[i].uid)) gone.push_back(i);
  s.report_expunged(std::move(gone));
}

struct CopyResult {
  std::uint32_t uidvalidity = 0;
  std::vector<std::uint32_t> source, dest;
};

// COPY/MOVE where the target is another account's mailbox, or the user may not set every flag there:
// one all-or-nothing store write of new messages (quota checked: QuotaExceeded), flags filtered by
// the target rights (RFC 4314 §4: "t" for \Deleted, "s" for \Seen, "w" for the others).
void copy_between(store::MailStore& st, store::AccountId account, const std::string& source,
                  const std::vector<std::uint32_t>& uids, store::AccountId target_account, const std::string& target,
                  const std::string& rights, bool move, CopyResult& r, store::Changes& changes) {
  std::vector<store::MessageInfo> wanted;
  for (auto& m : st.messages(account, source))
    if (std::find(uids.begin(), uids.end(), m.uid) != uids.end()) wanted.push_back(std::move(m));
  if (wanted.empty()) return;
  std::vector<std::string> data;
  std::vector<store::NewMessage> meta;
  std::vector<store::Target> targets;
  data.reserve(wanted.size());
  meta.reserve(wanted.size());
  targets.reserve(wanted.size());
  std::vector<store::BatchItem> items;
  for (const auto& m : wanted) {
    data.push_back(st.read_message(account, m));
    meta.push_back(store::NewMessage{m.internal_date, m.envelope, m.bodystructure});
    targets.push_back(store::Target{target_account, target, permitted_flags(m.flags, rights)});
    items.push_back(store::BatchItem{data.back(), &meta.back(), std::span<const store::Target>(&targets.back(), 1)});
  }
  auto stored = st.deliver_batch(items, changes, store::MailStore::QuotaMode::RefuseBatch);
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (stored[i].empty()) continue;
    r.source.push_back(wanted[i].uid);
    r.dest.push_back(stored[i].front().uid);
  }
  if (move) st.expunge(account, source, r.source, changes);
}

// Copies (or moves) the messages at `indexes` into `target` in one store transaction: new rows on the
// same stored file, flags and internal date kept (RFC 9051 §6.4.7), MOVE atomic (RFC 6851 §3.1).
// Throws No [TRYCREATE] when the target does not exist, No [NOPERM] without "i" on it (RFC 4314 §4).
// Into another account the messages are read and stored anew with the flags the user may set there;
// a MOVE then expunges the sources (a crash in between leaves a duplicate, never a loss).
asio::awaitable<CopyResult> transfer(Session& s, const std::vector<std::size_t>& indexes, const std::string& wire_target,
                                     bool move) {
  auto& sel = s.selected();
  const auto account = sel.account;
  const std::string source = sel.name;
  auto ref = co_await resolve_mailbox(s, wire_target);
  require_right(ref, 'i');
  if (ref.name.empty()) throw No{"Permission denied", "NOPERM"};
  const std::string target = ref.name;
  const auto target_account = ref.account;
  const std::string target_rights = ref.rights;
  std::vector<std::uint32_t> uids;
  for (auto i : indexes) uids.push_back(sel.messages[i].uid);
  auto result = co_await offload([&] {
    return s.services().change_store([&](store::MailStore& st, store::Changes& changes) -> std::optional<CopyResult> {
      auto box = st.mailbox(target_account, target);
      if (!box) return std::nullopt;
      CopyResult r;
      r.uidvalidity = box->uidvalidity;
      if (target_account != account || target_rights != store::kAllRights) {
        copy_between(st, account, source, uids, target_account, box->name, target_rights, move, r, changes);
        return r;
      }
      auto done = move ? st.move_messages(account, source, uids, box->name, changes)
                       : st.copy_messages(account, source, uids, box->name, changes);
      for (const auto& c : done) {
        r.source.push_back(c.source);
        r.dest.push_back(c.dest);
      }
      return r;
    });
  });
  // RFC 9051 §6.4.7: a missing target gets NO with TRYCREATE.
  if (!result) throw No{"Mailbox does not exist", "TRYCREATE"};
  co_return std::move(*result);
}

std::string copyuid_code(const CopyResult& r) {
  // RFC 4315 §3: source and destination UID sets in corresponding order.
  std::string src, dst;
  for (std::size_t i = 0; i < r.source.size(); ++i) {
    if (i) src += ',', dst += ',';
    src += std::to_string(r.source[i]);
    dst += std::to_string(r.dest[i]);
  }
  return "COPYUID " + std::to_string(r.uidvalidity) + " " + src + " " + dst;
}

}  // namespace

asio::awaitable<void> cmd_store(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::Store>(c);
  require_writable(s);
  auto& sel = s.selected();
  // RFC 4314 §4 STORE: each flag needs its right; flags the user may not change are left out, and a
  // STORE that would change nothing the user may change fails (NO [NOPERM]). Replacing the whole set
  // needs every right it could touch.
  std::vector<std::string> flags = permitted_flags(cmd.flags, sel.rights);
  const bool replace_all = cmd.mode == protocol::Store::Mode::Replace;
  const bool all_rights = store::acl::has(sel.rights, 's') && store::acl::has(sel.rights, 't') &&
                          store::acl::has(sel.rights, 'w');
  if (replace_all ? !all_rights : flags.empty() && !cmd.flags.empty()) throw No{"Permission denied", "NOPERM"};
  auto indexes = resolve_set(s, cmd.set, cmd.uid);
  if (cmd.unchanged_since) s.condstore = true;
  std::vector<std::uint32_t> uids, modified;
  for (auto i : indexes) {
    const auto& m = sel.messages[i];
    // RFC 7162 §3.1.3: messages changed since UNCHANGEDSINCE are not touched and reported as MODIFIED.
    if (cmd.unchanged_since && m.modseq > *cmd.unchanged_since) modified.push_back(cmd.uid ? m.uid : i + 1);
    else uids.push_back(m.uid);
  }
  store::MailStore::FlagMode mode = cmd.mode == protocol::Store::Mode::Add      ? store::MailStore::FlagMode::Add
                                    : cmd.mode == protocol::Store::Mode::Remove ? store::MailStore::FlagMode::Remove
                                                                                : store::MailStore::FlagMode::Replace;
  const auto account = sel.account;
  const std::string name = sel.name;
  store::Changes changes;
  if (!uids.empty()) {
    changes = co_await offload([&] {
      return s.services().change_store([&](store::MailStore& st, store::Changes& ch) {
        st.store_flags(account, name, uids, flags, mode, ch);
        return ch;
      });
    });
  }
  auto changed = apply_flag_changes(s, changes);
  std::sort(changed.begin(), changed.end());
  // RFC 9051 §6.4.6: the new flags of each message (unless .SILENT); with UNCHANGEDSINCE the
  // messages whose flags did not change are reported too so the client learns their MODSEQ.
  std::vector<std::size_t> report = changed;
  if (cmd.unchanged_since && !cmd.silent)
    for (auto i : indexes)
      if (!std::binary_search(changed.begin(), changed.end(), i) &&
          std::find(uids.begin(), uids.end(), sel.messages[i].uid) != uids.end())
        report.push_back(i);
  std::sort(report.begin(), report.end());
  if (!cmd.silent) {
    for (auto i : report) s.send_flags(i, cmd.uid);
  } else if (s.condstore) {
    // RFC 7162 §3.1.3: with .SILENT the new MODSEQ is still reported.
    for (auto i : changed)
      s.send("* " + std::to_string(i + 1) + " FETCH (" + (cmd.uid ? "UID " + std::to_string(sel.messages[i].uid) + " " : "") +
             "MODSEQ (" + std::to_string(sel.messages[i].modseq) + "))\r\n");
  }
  if (!modified.empty())
    s.set_ok("[MODIFIED " + protocol::format_sequence_set(std::move(modified)) + "] Conditional STORE failed");
}

asio::awaitable<void> cmd_copy(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::Copy>(c);
  auto indexes = resolve_set(s, cmd.set, cmd.uid);
  std::string target = s.mailbox_name(cmd.mailbox);
  auto result = co_await transfer(s, indexes, target, false);
  if (!result.source.empty()) s.set_ok("[" + copyuid_code(result) + "] COPY completed");
}

asio::awaitable<void> cmd_move(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::Move>(c);
  require_writable(s);
  // RFC 6851 §3.3 with RFC 4314: moving out needs "t" and "e" on the source.
  if (!store::acl::has(s.selected().rights, 't') || !store::acl::has(s.selected().rights, 'e'))
    throw No{"Permission denied", "NOPERM"};
  auto indexes = resolve_set(s, cmd.set, cmd.uid);
  std::string target = s.mailbox_name(cmd.mailbox);
  if (target == s.selected().name && s.selected().account == s.account())
    throw No{"Source and destination are the same mailbox", "CANNOT"};
  auto result = co_await transfer(s, indexes, target, true);
  // RFC 6851 §4.3: COPYUID goes in an untagged OK before the EXPUNGE (or VANISHED) responses.
  if (!result.source.empty()) s.send("* OK [" + copyuid_code(result) + "] Moved\r\n");
  auto& sel = s.selected();
  std::sort(result.source.begin(), result.source.end());
  std::vector<std::size_t> gone;
  for (std::size_t i = 0; i < sel.messages.size(); ++i)
    if (std::binary_search(result.source.begin(), result.source.end(), sel.messages[i].uid)) gone.push_back(i);
  s.report_expunged(std::move(gone));
}

asio::awaitable<void> cmd_expunge(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::Expunge>(c);
  require_writable(s);
  if (!store::acl::has(s.selected().rights, 'e')) throw No{"Permission denied", "NOPERM"};  // RFC 4314 §4
  auto& sel = s.selected();
  std::vector<std::uint32_t> uids;
  for (const auto& m : sel.messages) {
    if (std::find(m.flags.begin(), m.flags.end(), "\\Deleted") == m.flags.end()) continue;
    // RFC 4315 §2.1: UID EXPUNGE removes only deleted messages within the UID set.
    if (cmd.uids && !cmd.uids->contains(m.uid, sel.max_uid())) continue;
    uids.push_back(m.uid);
  }
  co_await expunge_uids(s, std::move(uids));
}

}  // namespace postamt::imap
