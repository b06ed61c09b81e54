// APPEND (RFC 9051 §6.3.12) with LITERAL+ (RFC 7888), APPENDLIMIT (RFC 7889), APPENDUID (UIDPLUS,
// RFC 4315 §3) and the UTF8 data item (RFC 6855 §4). Messages are normalised to CRLF like the
// delivery pipeline's stored form, parsed once, and written with their flags and internal date.
#include <ctime>
#include <string>

#include "common/offload.hpp"
#include "delivery/quota_warning.hpp"
#include "imap/access.hpp"
#include "imap/commands.hpp"
#include "imap/protocol/sequence_set.hpp"
#include "mime/message.hpp"
#include "services/services.hpp"

namespace postamt::imap {
namespace {

// Bare LF -> CRLF, lone CR kept (as delivery/pipeline.cpp stores messages).
std::string normalize_crlf(std::string_view in) {
  std::string out;
  out.reserve(in.size() + in.size() / 32);
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r')) out.push_back('\r');
    out.push_back(in[i]);
  }
  return out;
}

}  // namespace

std::uint64_t append_limit(Session& s) { return s.conn().config.max_message_size; }

asio::awaitable<void> cmd_append(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::Append>(c);
  std::string name = s.mailbox_name(cmd.mailbox);
  auto ref = co_await resolve_mailbox(s, name);
  require_right(ref, 'i');  // RFC 4314 §4 APPEND
  if (ref.name.empty()) throw No{"Permission denied", "NOPERM"};
  name = ref.name;
  const auto account = ref.account;
  struct Prepared {
    std::string data;
    store::NewMessage meta;
    std::vector<std::string> flags;
  };
  std::vector<Prepared> prepared;
  for (const auto& m : cmd.messages) {
    if (m.data.size() > append_limit(s)) throw No{"Message too big", "TOOBIG"};  // RFC 7889 §4
    if (m.data.empty()) throw No{"Empty message", "CANNOT"};
    Prepared p;
    p.data = normalize_crlf(m.data);
    auto parsed = mime::parse(p.data);
    if (parsed.fatal) throw No{"Malformed MIME: " + parsed.fatal_reason, "PARSE"};
    p.meta.internal_date = m.internal_date ? protocol::to_unix_time(*m.internal_date)
                                           : static_cast<std::int64_t>(std::time(nullptr));
    p.meta.envelope = mime::envelope(p.data, parsed);
    p.meta.bodystructure = mime::body_structure(p.data, parsed, true);
    p.flags = permitted_flags(m.flags, ref.rights);  // RFC 4314 §4: flags without their right are dropped
    prepared.push_back(std::move(p));
  }
  struct Result {
    bool found = false;
    std::uint32_t uidvalidity = 0;
    std::vector<std::uint32_t> uids;
  };
  auto result = co_await offload([&] {
    return s.services().change_store([&](store::MailStore& st, store::Changes& changes) {
      Result r;
      auto box = st.mailbox(account, name);
      if (!box) return r;
      r.found = true;
      r.uidvalidity = box->uidvalidity;
      // One batch: MULTIAPPEND is all-or-nothing (RFC 3502 §6.3.11), and so is the quota check
      // (QuotaExceeded -> NO [OVERQUOTA], RFC 9208 §4.3.1).
      std::vector<store::Target> targets;
      targets.reserve(prepared.size());
      std::vector<store::BatchItem> items;
      for (const auto& p : prepared) {
        targets.push_back(store::Target{account, box->name, p.flags});
        items.push_back(store::BatchItem{p.data, &p.meta, std::span<const store::Target>(&targets.back(), 1)});
      }
      for (const auto& stored : st.deliver_batch(items, changes, store::MailStore::QuotaMode::RefuseBatch))
        if (!stored.empty()) r.uids.push_back(stored.front().uid);
      // Issue 8: the quota warning goes into the owner's INBOX (From postmaster@ of the domain when
      // the owner is the user, else MAILER-DAEMON@hostname).
      delivery::deliver_quota_warning(st, account, account == s.account() ? s.user() : std::string(),
                                      s.services().config().hostname, changes);
      return r;
    });
  });
  // RFC 9051 §6.3.12: a missing mailbox gets NO with TRYCREATE.
  if (!result.found) throw No{"Mailbox does not exist", "TRYCREATE"};
  s.log().info("append", {{"mailbox", name}, {"messages", result.uids.size()}});
  s.set_ok("[APPENDUID " + std::to_string(result.uidvalidity) + " " +
           protocol::format_sequence_set(result.uids) + "] APPEND completed");
}

}  // namespace postamt::imap
