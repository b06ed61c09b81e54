// FETCH and UID FETCH (RFC 9051 §6.4.5, §7.5.2): FLAGS, INTERNALDATE, RFC822.SIZE, ENVELOPE and
// BODYSTRUCTURE from the shared EnvelopeCache (else parsed from the bytes), BODY, BODY[section]<partial>
// and BODY.PEEK, RFC822(.HEADER/.TEXT), BINARY[section] / BINARY.SIZE (RFC 3516), UID, MODSEQ and
// CHANGEDSINCE (RFC 7162 §3.1.4-§3.1.5), the VANISHED modifier (RFC 7162 §3.2.6), EMAILID/THREADID
// (RFC 8474 §5) and PREVIEW (RFC 8970).
#include <algorithm>
#include <string>

#include "common/offload.hpp"
#include "imap/commands.hpp"
#include "imap/envelope_cache.hpp"
#include "imap/message_sections.hpp"
#include "imap/object_ids.hpp"
#include "imap/preview.hpp"
#include "imap/protocol/date_time.hpp"
#include "imap/protocol/sequence_set.hpp"
#include "imap/protocol/writer.hpp"
#include "mime/imap_string.hpp"
#include "mime/message.hpp"
#include "services/services.hpp"

namespace postamt::imap {
namespace {

using Kind = protocol::FetchAttribute::Kind;

bool needs_message(const protocol::FetchAttribute& a) {
  switch (a.kind) {
    case Kind::Rfc822: case Kind::Rfc822Header: case Kind::Rfc822Text: case Kind::Body:
    case Kind::BodySection: case Kind::Binary: case Kind::BinarySize: case Kind::ThreadId: case Kind::Preview:
      return true;
    default:
      return false;
  }
}

// RFC 9051 §6.4.5: BODY[...] (not PEEK), BINARY[...] (not PEEK), RFC822 and RFC822.TEXT set \Seen.
bool sets_seen(const protocol::FetchAttribute& a) {
  switch (a.kind) {
    case Kind::Rfc822: case Kind::Rfc822Text: return true;
    case Kind::BodySection: case Kind::Binary: return !a.peek;
    default: return false;
  }
}

bool has_flag(const store::MessageInfo& m, std::string_view f) {
  return std::find(m.flags.begin(), m.flags.end(), f) != m.flags.end();
}

std::string apply_partial(std::string data, const std::optional<protocol::Partial>& partial) {
  if (!partial) return data;
  if (partial->offset >= data.size()) return {};
  return data.substr(static_cast<std::size_t>(partial->offset), static_cast<std::size_t>(partial->length));
}

void append_body(std::string& out, const std::string& data, bool binary) {
  // RFC 3516 §4.3: BINARY data containing NUL is sent as literal8.
  if (binary && data.find('\0') != std::string::npos) protocol::append_literal8(out, data);
  else protocol::append_literal(out, data);
}

}  // namespace

asio::awaitable<std::string> read_message(Session& s, store::AccountId account, const store::MessageInfo& m) {
  auto read = [&] { return s.services().with_store([&](store::MailStore& st) { return st.read_message(account, m); }); };
  if (m.size <= kInlineReadLimit) co_return read();
  co_return co_await offload(read);
}

asio::awaitable<void> cmd_fetch(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::Fetch>(c);
  // RFC 7162 §3.2.6: the VANISHED modifier needs ENABLE QRESYNC first.
  if (cmd.vanished && !s.qresync) throw Bad{"VANISHED requires ENABLE QRESYNC first"};
  if (cmd.changed_since) s.condstore = true;  // RFC 7162 §3.1: CHANGEDSINCE enables CONDSTORE
  auto& sel = s.selected();
  std::vector<std::size_t> indexes = resolve_set(s, cmd.set, cmd.uid);
  if (cmd.changed_since) {
    std::erase_if(indexes, [&](std::size_t i) { return sel.messages[i].modseq <= *cmd.changed_since; });
  }
  const bool want_message = std::any_of(cmd.attributes.begin(), cmd.attributes.end(), needs_message);
  // RFC 4314 §4 FETCH: \Seen is set only with the "s" right.
  const bool want_seen = !sel.read_only && store::acl::has(sel.rights, 's') &&
                         std::any_of(cmd.attributes.begin(), cmd.attributes.end(), sets_seen);
  const bool want_flags = std::any_of(cmd.attributes.begin(), cmd.attributes.end(),
                                      [](const auto& a) { return a.kind == Kind::Flags; });
  const bool want_modseq = s.condstore && (cmd.changed_since || std::any_of(cmd.attributes.begin(), cmd.attributes.end(),
                                                                            [](const auto& a) { return a.kind == Kind::ModSeq; }));
  const auto account = sel.account;
  const std::string mailbox = sel.name;
  if (cmd.vanished) {
    // RFC 7162 §3.2.6: UIDs in the set expunged since CHANGEDSINCE, before the FETCH responses.
    const std::uint64_t since = *cmd.changed_since;
    auto expunged = co_await offload([&] {
      return s.services().with_store([&](store::MailStore& st) { return st.expunged_since(account, mailbox, since); });
    });
    const std::uint32_t star = std::max(sel.max_uid(), sel.uidnext > 1 ? sel.uidnext - 1 : 1);
    std::erase_if(expunged, [&](std::uint32_t uid) {
      if (cmd.set.saved) return std::find(sel.saved.begin(), sel.saved.end(), uid) == sel.saved.end();
      return !cmd.set.contains(uid, star);
    });
    if (!expunged.empty())
      s.send("* VANISHED (EARLIER) " + protocol::format_sequence_set(std::move(expunged)) + "\r\n");
  }

  // Set \Seen first so the responses carry the new flags (RFC 9051 §6.4.5: FLAGS are included then).
  std::set<std::uint32_t> newly_seen;
  if (want_seen) {
    std::vector<std::uint32_t> uids;
    for (auto i : indexes)
      if (!has_flag(sel.messages[i], "\\Seen")) uids.push_back(sel.messages[i].uid);
    if (!uids.empty()) {
      auto changes = co_await offload([&] {
        return s.services().change_store([&](store::MailStore& st, store::Changes& ch) {
          const std::string seen = "\\Seen";
          st.store_flags(account, mailbox, uids, std::span<const std::string>(&seen, 1), store::MailStore::FlagMode::Add,
                         ch);
          return ch;
        });
      });
      for (const auto& ch : changes) {
        if (ch.kind != store::Change::Kind::FlagsChanged || ch.mailbox != mailbox) continue;
        auto i = sel.index_of(ch.uid);
        if (i == std::string::npos) continue;
        sel.messages[i].flags = ch.flags;
        sel.messages[i].modseq = ch.modseq;
        newly_seen.insert(ch.uid);
      }
    }
  }

  const bool want_structure = std::any_of(cmd.attributes.begin(), cmd.attributes.end(), [](const auto& a) {
    return a.kind == Kind::Envelope || a.kind == Kind::BodyStructure;
  });
  auto& structures = EnvelopeCache::shared();
  for (auto i : indexes) {
    // Only this coroutine changes the session's message list, so the reference stays valid across co_await.
    const store::MessageInfo& m = sel.messages[i];
    std::string raw;
    std::optional<mime::Message> parsed;
    std::shared_ptr<const CachedStructure> structure;
    if (want_structure) structure = structures.get(m.blob);
    if (want_message || (want_structure && !structure)) {
      bool gone = false;
      try {
        raw = co_await read_message(s, account, m);
      } catch (const std::exception& e) {
        gone = true;  // expunged by another session meanwhile (RFC 9051 §7.5.1 keeps its number)
        s.log().info("fetch_read_failed", {{"uid", m.uid}, {"error", e.what()}});
      }
      if (gone) continue;
      parsed = mime::parse(raw);
      if (want_structure && !structure) {
        // Not cached (evicted, or the session selected before): derive both from the bytes, as delivery did.
        CachedStructure derived{mime::envelope(raw, *parsed), mime::body_structure(raw, *parsed, true)};
        structure = std::make_shared<const CachedStructure>(derived);
        structures.put(m.blob, std::move(derived));
      }
    }
    std::string line = "* " + std::to_string(i + 1) + " FETCH (";
    bool first = true;
    auto item = [&](std::string_view name) {
      if (!first) line += ' ';
      first = false;
      line += name;
      line += ' ';
    };
    bool uid_done = false, flags_done = false, modseq_done = false;
    for (const auto& a : cmd.attributes) {
      switch (a.kind) {
        case Kind::Uid:
          if (uid_done) break;
          item("UID");
          line += std::to_string(m.uid);
          uid_done = true;
          break;
        case Kind::Flags: {
          if (flags_done) break;
          std::vector<std::string> flags = m.flags;
          if (sel.recent.count(m.uid)) flags.push_back("\\Recent");
          item("FLAGS");
          line += protocol::format_flag_list(flags);
          flags_done = true;
          break;
        }
        case Kind::InternalDate:
          item("INTERNALDATE");
          line += '"' + protocol::format_date_time(protocol::from_unix_time(m.internal_date)) + '"';
          break;
        case Kind::Rfc822Size:
          item("RFC822.SIZE");
          line += std::to_string(m.size);
          break;
        case Kind::Envelope:
          item("ENVELOPE");
          line += structure->envelope;
          break;
        case Kind::BodyStructure:
          item("BODYSTRUCTURE");
          line += structure->bodystructure;
          break;
        case Kind::Body:
          item("BODY");
          line += mime::body_structure(raw, *parsed, false);
          break;
        case Kind::ModSeq:
          if (modseq_done) break;
          item("MODSEQ");
          line += "(" + std::to_string(m.modseq) + ")";
          modseq_done = true;
          break;
        case Kind::Rfc822:
          item("RFC822");
          protocol::append_literal(line, raw);
          break;
        case Kind::Rfc822Header:
          item("RFC822.HEADER");
          protocol::append_literal(line, section_bytes(raw, *parsed, {{}, protocol::Section::Text::Header, {}}).value_or(""));
          break;
        case Kind::Rfc822Text:
          item("RFC822.TEXT");
          protocol::append_literal(line, section_bytes(raw, *parsed, {{}, protocol::Section::Text::Text, {}}).value_or(""));
          break;
        case Kind::BodySection: {
          auto data = section_bytes(raw, *parsed, a.section);
          item(protocol::response_name(a));
          // A section that does not exist is the empty string (RFC 9051 §6.4.5 is silent; as Dovecot).
          append_body(line, apply_partial(data.value_or(""), a.partial), false);
          break;
        }
        case Kind::Binary:
        case Kind::BinarySize: {
          if (a.section.text != protocol::Section::Text::None) throw Bad{"BINARY takes only a part number"};
          auto decoded = binary_section(raw, *parsed, a.section.part);
          if (decoded.status == DecodeStatus::UnknownEncoding)
            throw No{"Unknown Content-Transfer-Encoding", "UNKNOWN-CTE"};  // RFC 3516 §4.3
          if (decoded.status == DecodeStatus::NoPart) throw No{"No such message part"};
          item(protocol::response_name(a));
          if (a.kind == Kind::BinarySize) line += std::to_string(decoded.data.size());
          else append_body(line, apply_partial(std::move(decoded.data), a.partial), true);
          break;
        }
        case Kind::EmailId:  // RFC 8474 §5.1
          item("EMAILID");
          line += "(" + email_id(m) + ")";
          break;
        case Kind::ThreadId:  // RFC 8474 §5.2
          item("THREADID");
          line += "(" + thread_id(raw, *parsed, m) + ")";
          break;
        case Kind::Preview:  // RFC 8970 §3: computed on demand, so LAZY gets it at once too
          item("PREVIEW");
          mime::append_imap_string(line, preview(raw, *parsed));
          break;
      }
    }
    // RFC 9051 §6.4.9: UID FETCH always includes UID; a \Seen change includes FLAGS.
    if (cmd.uid && !uid_done) {
      item("UID");
      line += std::to_string(m.uid);
    }
    if (!flags_done && newly_seen.count(m.uid)) {
      std::vector<std::string> flags = m.flags;
      if (sel.recent.count(m.uid)) flags.push_back("\\Recent");
      item("FLAGS");
      line += protocol::format_flag_list(flags);
    }
    if (want_modseq && !modseq_done) {
      item("MODSEQ");
      line += "(" + std::to_string(m.modseq) + ")";
    }
    line += ")\r\n";
    s.send(line);
    if (s.out().size() >= kFlushThreshold) co_await s.flush();
  }
  (void)want_flags;
}

}  // namespace postamt::imap
