// METADATA (RFC 5464 §4): GETMETADATA with MAXSIZE and DEPTH, SETMETADATA all or nothing. Rights
// (§3.3 with ACL): a mailbox's entries need "l" and one of "rswip", setting its /shared entries also
// "w"; server entries (mailbox "") are readable by everyone, /private ones settable by everyone,
// /shared ones by [admin] users only, and /shared/admin is [admin] contact, read-only. No
// unsolicited METADATA responses (ENABLE METADATA is not offered, §4.4).
#include <algorithm>
#include <string>

#include "common/config.hpp"
#include "common/offload.hpp"
#include "imap/access.hpp"
#include "imap/commands.hpp"
#include "imap/protocol/metadata_entry.hpp"
#include "imap/protocol/writer.hpp"
#include "services/services.hpp"
#include "store/acl.hpp"
#include "store/metadata.hpp"

namespace postamt::imap {
namespace {

constexpr std::string_view kAdminEntry = "/shared/admin";  // RFC 5464 §3.2.1.1, read-only

// What a METADATA command's mailbox argument names: the server, or a mailbox with the user's rights.
struct Target {
  bool server = true;
  std::string shown;  // the name as the session shows it ("" for the server)
  MailboxRef ref;     // for a mailbox
};

asio::awaitable<Target> target_of(Session& s, const std::string& wire) {
  Target t;
  if (wire.empty()) {  // §4.1: the empty string means the server
    t.ref = MailboxRef{s.account(), s.user(), "", std::string(store::kAllRights), true};
    co_return t;
  }
  t.server = false;
  t.shown = s.mailbox_name(wire);
  t.ref = co_await resolve_mailbox(s, t.shown);
  // §3.3: "l" and any one of "r", "s", "w", "i", "p". Too few rights, no rights and no such mailbox
  // of another user all get this same answer (RFC 4314 §6: nothing leaks).
  if (!store::acl::has(t.ref.rights, 'l') || t.ref.rights.find_first_of("rswip") == std::string::npos ||
      t.ref.name.empty())
    throw No{"Permission denied", "NOPERM"};
  co_return t;
}

std::string shown_mailbox(Session& s, const Target& t) {
  std::string out;
  if (t.server) out = "\"\"";
  else s.append_mailbox(out, t.shown);
  return out;
}

// The entry `name` is asked for by `wanted` at `depth` (§4.2.2): itself, or its children (One) or
// any descendant (Infinity).
bool wanted_by(std::string_view name, std::string_view wanted, protocol::GetMetadata::Depth depth) {
  if (name == wanted) return true;
  if (depth == protocol::GetMetadata::Depth::Zero) return false;
  if (name.size() <= wanted.size() + 1 || !name.starts_with(wanted) || name[wanted.size()] != '/') return false;
  return depth == protocol::GetMetadata::Depth::Infinity ||
         name.find('/', wanted.size() + 1) == std::string_view::npos;
}

// value = nstring / literal8 (§5): quoted when it can be, a literal for lines and 8-bit text,
// literal8 only for NUL octets.
void append_value(std::string& out, std::string_view value, bool utf8) {
  if (value.find('\0') != std::string_view::npos) protocol::append_literal8(out, value);
  else protocol::append_string(out, value, utf8);
}

}  // namespace

asio::awaitable<void> cmd_getmetadata(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::GetMetadata>(c);
  auto t = co_await target_of(s, cmd.mailbox);
  const auto account = t.ref.account;
  const std::string inner = t.ref.name;
  const std::string user = s.user();
  auto entries = co_await offload([&] {
    return s.services().with_store([&](store::MailStore& st) { return st.metadata(account, inner, user); });
  });
  if (t.server) {
    // /shared/admin is computed from the configuration, never stored (§3.2.1.1).
    std::erase_if(entries, [](const store::metadata::Entry& e) { return e.name == kAdminEntry; });
    const auto& contact = s.services().config().admin_contact;
    if (!contact.empty()) {
      entries.push_back({std::string(kAdminEntry), contact});
      std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    }
  }
  std::string items;
  std::size_t longest = 0;  // §4.2.1: the biggest value MAXSIZE left out
  for (const auto& e : entries) {
    bool wanted = std::any_of(cmd.entries.begin(), cmd.entries.end(),
                              [&](const std::string& w) { return wanted_by(e.name, w, cmd.depth); });
    if (!wanted) continue;
    if (cmd.max_size && e.value.size() > *cmd.max_size) {
      longest = std::max(longest, e.value.size());
      continue;
    }
    if (!items.empty()) items += ' ';
    items += e.name;
    items += ' ';
    append_value(items, e.value, s.utf8_names());
  }
  // Entries that do not exist are left out (no NIL); with none at all there is no METADATA response.
  if (!items.empty()) s.send("* METADATA " + shown_mailbox(s, t) + " (" + items + ")\r\n");
  if (longest > 0) s.set_ok("[METADATA LONGENTRIES " + std::to_string(longest) + "] GETMETADATA completed");
}

asio::awaitable<void> cmd_setmetadata(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::SetMetadata>(c);
  auto t = co_await target_of(s, cmd.mailbox);
  std::vector<store::metadata::Change> changes;
  for (const auto& [name, value] : cmd.entries) {
    const bool shared = !protocol::is_private_entry(name);
    if (t.server && name == kAdminEntry) throw No{"/shared/admin is read-only ([admin] contact)", "NOPERM"};
    // §3.3 lets the server restrict server entries: /shared ones are the administrators'.
    if (t.server && shared && !is_admin(s)) throw No{"Only administrators set /shared server entries", "NOPERM"};
    // A /shared mailbox entry is seen by everyone with access: writing it needs "w" too.
    if (!t.server && shared && !store::acl::has(t.ref.rights, 'w'))
      throw No{"Setting /shared entries needs the w right", "NOPERM"};
    changes.push_back({name, value});
  }
  const auto account = t.ref.account;
  const std::string inner = t.ref.name;
  const std::string user = s.user();
  try {
    co_await offload([&] {
      s.services().with_store([&](store::MailStore& st) { st.set_metadata(account, inner, user, changes); });
    });
  } catch (const store::metadata::TooBig& e) {
    throw No{"Value too big", "METADATA MAXSIZE " + std::to_string(e.max())};  // §4.3
  } catch (const store::metadata::TooMany&) {
    throw No{"Too many entries", "METADATA TOOMANY"};  // §4.3
  }
  s.log().info("setmetadata", {{"mailbox", t.server ? std::string("(server)") : t.shown},
                               {"entries", std::to_string(changes.size())}, {"by", user}});
}

}  // namespace postamt::imap
