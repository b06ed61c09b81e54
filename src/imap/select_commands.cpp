// SELECT and EXAMINE (RFC 9051 §6.3.2-§6.3.3, CONDSTORE RFC 7162 §3.1.2.1, QRESYNC §3.2.5 with
// VANISHED (EARLIER), MAILBOXID RFC 8474 §4.2), CLOSE (RFC 9051 §6.4.1) and UNSELECT (RFC 3691, RFC 9051 §6.4.2).
#include <algorithm>
#include <set>
#include <string>

#include "common/offload.hpp"
#include "imap/access.hpp"
#include "imap/commands.hpp"
#include "imap/envelope_cache.hpp"
#include "imap/object_ids.hpp"
#include "imap/protocol/sequence_set.hpp"
#include "imap/protocol/writer.hpp"
#include "services/services.hpp"

namespace postamt::imap {
namespace {

constexpr std::string_view kSystemFlags = "\\Answered \\Flagged \\Deleted \\Seen \\Draft";

bool is_deleted(const store::MessageInfo& m) {
  return std::find(m.flags.begin(), m.flags.end(), "\\Deleted") != m.flags.end();
}

}  // namespace

asio::awaitable<void> cmd_select(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::Select>(c);
  // RFC 7162 §3.2.5: the QRESYNC parameter needs ENABLE QRESYNC first.
  if (cmd.qresync && !s.qresync) throw Bad{"SELECT (QRESYNC ...) requires ENABLE QRESYNC first"};
  std::string name = s.mailbox_name(cmd.mailbox);
  if (s.has_selected()) {
    // RFC 9051 §6.3.2 / RFC 7162 §3.2.11: the previous mailbox is closed without expunging.
    s.deselect();
    s.send("* OK [CLOSED] Previous mailbox closed\r\n");
  }
  if (cmd.condstore) s.condstore = true;  // RFC 7162 §3.1: SELECT (CONDSTORE) enables CONDSTORE
  const std::string shown = name;
  auto ref = co_await resolve_mailbox(s, name);
  require_right(ref, 'r');  // RFC 4314 §4 SELECT/EXAMINE
  name = ref.name;
  const auto account = ref.account;
  // RFC 4314 §5.2: without a right to change anything the mailbox opens read-only.
  const bool read_only = cmd.read_only || ref.rights.find_first_of("stwe") == std::string::npos;
  struct Loaded {
    std::optional<store::MailboxInfo> info;
    std::vector<store::MessageInfo> messages;
    std::vector<std::uint32_t> recent;
    std::vector<std::uint32_t> vanished;
    bool resync = false;
  };
  const std::optional<protocol::Qresync>& q = cmd.qresync;
  Loaded l = co_await offload([&] {
    return s.services().with_store([&](store::MailStore& st) {
      Loaded r;
      r.info = st.mailbox(account, name);
      if (!r.info) return r;
      r.messages = st.messages(account, name);
      move_structures_to(EnvelopeCache::shared(), r.messages);  // the session keeps no per-message strings
      // RFC 3501 §2.3.2: \Recent goes to the first session that selects read-write.
      if (!read_only) r.recent = st.claim_recent(account, name);
      // RFC 7162 §3.2.5: a different UIDVALIDITY means "behave as if nothing changed".
      if (q && q->uidvalidity == r.info->uidvalidity) {
        r.resync = true;
        r.vanished = st.expunged_since(account, r.info->name, q->modseq);
      }
      return r;
    });
  });
  if (!l.info) throw No{"Mailbox does not exist", "NONEXISTENT"};
  Selected sel;
  sel.name = l.info->name;
  sel.account = account;
  sel.rights = ref.rights;
  sel.read_only = read_only;
  sel.uidvalidity = l.info->uidvalidity;
  sel.uidnext = l.info->uidnext;
  sel.highestmodseq = l.info->highestmodseq;
  sel.messages = std::move(l.messages);
  sel.recent.insert(l.recent.begin(), l.recent.end());

  std::set<std::string> keywords;
  std::size_t first_unseen = 0;
  for (std::size_t i = 0; i < sel.messages.size(); ++i) {
    const auto& m = sel.messages[i];
    bool seen = false;
    for (const auto& f : m.flags) {
      if (f == "\\Seen") seen = true;
      if (!f.empty() && f[0] != '\\') keywords.insert(f);
    }
    if (!seen && first_unseen == 0) first_unseen = i + 1;
  }
  std::string flags(kSystemFlags);
  for (const auto& k : keywords) flags += " " + k;
  s.send("* FLAGS (" + flags + ")\r\n");
  s.send("* " + std::to_string(sel.messages.size()) + " EXISTS\r\n");
  if (!s.rev2) {
    s.send("* " + std::to_string(sel.recent.size()) + " RECENT\r\n");
    if (first_unseen) s.send("* OK [UNSEEN " + std::to_string(first_unseen) + "] First unseen message\r\n");
  }
  s.send("* OK [UIDVALIDITY " + std::to_string(sel.uidvalidity) + "] UIDs valid\r\n");
  s.send("* OK [UIDNEXT " + std::to_string(sel.uidnext) + "] Predicted next UID\r\n");
  s.send("* OK [MAILBOXID (" + mailbox_id(*l.info) + ")] Ok\r\n");  // RFC 8474 §4.2
  if (read_only) {
    s.send("* OK [PERMANENTFLAGS ()] Read-only mailbox\r\n");
  } else {
    // RFC 4314 §5.1.1: PERMANENTFLAGS shows what the user's rights allow ("s", "t", "w").
    std::string permanent;
    auto add = [&](std::string_view f) { permanent += (permanent.empty() ? "" : " ") + std::string(f); };
    if (store::acl::has(ref.rights, 'w')) add("\\Answered \\Flagged");
    if (store::acl::has(ref.rights, 't')) add("\\Deleted");
    if (store::acl::has(ref.rights, 's')) add("\\Seen");
    if (store::acl::has(ref.rights, 'w')) add("\\Draft \\*");
    s.send("* OK [PERMANENTFLAGS (" + permanent + ")] Flags permitted\r\n");
  }
  if (s.condstore) s.send("* OK [HIGHESTMODSEQ " + std::to_string(sel.highestmodseq) + "] Highest\r\n");
  if (s.rev2) {
    // RFC 9051 §6.3.2: the mailbox's LIST response, with its canonical name.
    std::string line = "* LIST () \"/\" ";
    s.append_mailbox(line, ref.own ? sel.name : shown);
    s.send(line + "\r\n");
  }
  s.set_ok(std::string(read_only ? "[READ-ONLY] " : "[READ-WRITE] ") + (read_only ? "EXAMINE" : "SELECT") +
           " completed");
  const std::uint32_t uidnext = sel.uidnext;
  s.select(std::move(sel));
  if (l.resync) {
    // RFC 7162 §3.2.5.1: only the known UIDs (default 1:<UIDNEXT-1>) are reported, first the expunged
    // ones as VANISHED (EARLIER), then FETCH (UID FLAGS MODSEQ) for those changed since the modseq.
    // The whole expunge history is kept, so the seq-match-data hint (§3.2.5.2) is not needed.
    const std::uint32_t star = uidnext > 1 ? uidnext - 1 : 1;
    auto known = [&](std::uint32_t uid) { return !q->known_uids || q->known_uids->contains(uid, star); };
    std::erase_if(l.vanished, [&](std::uint32_t uid) { return !known(uid); });
    if (!l.vanished.empty())
      s.send("* VANISHED (EARLIER) " + protocol::format_sequence_set(std::move(l.vanished)) + "\r\n");
    const auto& messages = s.selected().messages;
    for (std::size_t i = 0; i < messages.size(); ++i)
      if (messages[i].modseq > q->modseq && known(messages[i].uid)) s.send_flags(i, true);
  }
}

asio::awaitable<void> cmd_close(Session& s, const std::string&, const Command&) {
  auto& sel = s.selected();
  // RFC 4314 §4 CLOSE: without "e" the expunge is skipped and CLOSE still succeeds.
  if (!sel.read_only && store::acl::has(sel.rights, 'e')) {
    // RFC 9051 §6.4.1: remove \Deleted messages silently (no EXPUNGE responses).
    std::vector<std::uint32_t> uids;
    for (const auto& m : sel.messages)
      if (is_deleted(m)) uids.push_back(m.uid);
    if (!uids.empty()) {
      const auto account = sel.account;
      const std::string name = sel.name;
      co_await offload([&] {
        s.services().change_store([&](store::MailStore& st, store::Changes& changes) {
          st.expunge(account, name, uids, changes);
        });
      });
    }
  }
  s.deselect();
}

asio::awaitable<void> cmd_unselect(Session& s, const std::string&, const Command&) {
  s.deselect();
  co_return;
}

}  // namespace postamt::imap
