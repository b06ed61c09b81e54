// ACL (RFC 4314 §3): SETACL, DELETEACL, GETACL, LISTRIGHTS, MYRIGHTS. The owner holds every right
// unless they restrict their own (an "owner" row, keeping "l" and "a"); other users and "anyone" get
// rows in the owner's index.
// Administering an ACL needs the "a" right (§4), MYRIGHTS any of "lrikxa".
#include <string>

#include "common/offload.hpp"
#include "common/strings.hpp"
#include "directory/directory.hpp"
#include "imap/access.hpp"
#include "imap/commands.hpp"
#include "imap/protocol/writer.hpp"
#include "services/services.hpp"
#include "store/acl.hpp"

namespace postamt::imap {
namespace {

// The identifier as stored: "anyone" or an existing user's address (RFC 4314 §6: identifiers are
// checked so that a typo does not grant rights to a later user of that name).
// A leading "-" names the negative entry of the identifier after it (RFC 4314 §2).
asio::awaitable<std::string> identifier_of(Session& s, const std::string& wire) {
  const bool negative = !wire.empty() && wire.front() == '-';
  const std::string name = negative ? wire.substr(1) : wire;
  if (name.empty()) throw Bad{"Empty identifier"};  // RFC 4314 §3
  const std::string prefix = negative ? "-" : "";
  if (str::iequals(name, store::kAnyone)) co_return prefix + std::string(store::kAnyone);
  auto user = co_await offload([&] {
    return s.services().with_directory([&](directory::Directory& d) { return d.find_user(name); });
  });
  if (!user) throw No{"No such user " + name.substr(0, 100), "NONEXISTENT"};
  co_return prefix + user->address;
}

std::string mailbox_text(Session& s, const std::string& name) {
  std::string out;
  s.append_mailbox(out, name);
  return out;
}

std::string astring(std::string_view v) {
  std::string out;
  protocol::append_astring(out, v);
  return out;
}

// A mailbox of the session that must exist and on which the user holds `right`.
asio::awaitable<MailboxRef> administered(Session& s, const std::string& name, char right) {
  auto ref = co_await resolve_mailbox(s, name);
  require_right(ref, right);
  if (ref.name.empty()) throw No{"Permission denied", "NOPERM"};
  const auto account = ref.account;
  const std::string inner = ref.name;
  bool exists = co_await offload([&] {
    return s.services().with_store([&](store::MailStore& st) { return st.mailbox(account, inner).has_value(); });
  });
  if (!exists) throw No{"Mailbox does not exist", "NONEXISTENT"};
  co_return ref;
}

asio::awaitable<void> set_rights(Session& s, const std::string& wire_mailbox, const std::string& wire_id,
                                 std::optional<std::string> modification) {
  std::string name = s.mailbox_name(wire_mailbox);
  // RFC 4314 §3.1: an unknown right is BAD, before anything else is looked at.
  std::optional<store::acl::RightsChange> change;
  if (modification) {
    change = store::acl::parse_change(*modification);
    if (!change)
      throw Bad{"Unknown right in '" + modification->substr(0, 40) + "' (rights are lrswipkxtea, c and d)"};
  }
  auto ref = co_await administered(s, name, 'a');
  auto id = co_await identifier_of(s, wire_id);
  // The owner's own entry restricts what the owner may do (store::kOwner): "l" and "a" stay.
  const bool owner = !ref.public_folder && str::iequals(id, ref.owner);
  if (!ref.public_folder && str::iequals(id, "-" + ref.owner))
    throw No{"Restrict the owner's rights with the owner's own entry, not a negative one", "CANNOT"};
  const auto account = ref.account;
  const std::string inner = ref.name;
  co_await offload([&] {
    s.services().with_store([&](store::MailStore& st) { store::acl::change(st, account, inner, id, owner, change); });
  });
  s.log().info(modification ? "setacl" : "deleteacl", {{"mailbox", name}, {"identifier", id}, {"by", s.user()}});
}

}  // namespace

asio::awaitable<void> cmd_setacl(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::SetAcl>(c);
  co_await set_rights(s, cmd.mailbox, cmd.identifier, cmd.rights);
}

asio::awaitable<void> cmd_deleteacl(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::DeleteAcl>(c);
  co_await set_rights(s, cmd.mailbox, cmd.identifier, std::nullopt);
}

asio::awaitable<void> cmd_getacl(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::GetAcl>(c);
  std::string name = s.mailbox_name(cmd.mailbox);
  auto ref = co_await administered(s, name, 'a');
  const auto account = ref.account;
  const std::string inner = ref.name;
  const std::string owner = ref.public_folder ? "" : ref.owner;
  auto entries = co_await offload([&] {
    return s.services().with_store([&](store::MailStore& st) { return store::acl::shown(st, account, inner, owner); });
  });
  // RFC 4314 §3.6, with the virtual "c" and "d" rights (§2.1.1); the owner first (a public folder
  // has no owner: only its entries).
  std::string line = "* ACL " + mailbox_text(s, name);
  for (const auto& e : entries) line += " " + astring(e.identifier) + " " + astring(store::acl::with_virtual(e.rights));
  s.send(line + "\r\n");
}

asio::awaitable<void> cmd_listrights(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::ListRights>(c);
  std::string name = s.mailbox_name(cmd.mailbox);
  auto ref = co_await administered(s, name, 'a');
  auto id = co_await identifier_of(s, cmd.identifier);
  // RFC 4314 §3.7: the rights always granted, then those that may be granted one by one.
  std::string line = "* LISTRIGHTS " + mailbox_text(s, name) + " " + astring(cmd.identifier);
  // The owner always keeps "l" and "a" (store::kOwnerImplicit).
  if (!ref.public_folder && str::iequals(id, ref.owner)) line += " la r s w i p k x t e c d";
  else line += " \"\" l r s w i p k x t e a c d";
  s.send(line + "\r\n");
}

asio::awaitable<void> cmd_myrights(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::MyRights>(c);
  std::string name = s.mailbox_name(cmd.mailbox);
  auto ref = co_await resolve_mailbox(s, name);
  // RFC 4314 §4: MYRIGHTS needs any of "l", "r", "i", "k", "x", "a".
  if (ref.rights.find_first_of("lrikxa") == std::string::npos) throw No{"Permission denied", "NOPERM"};
  if (ref.own || !ref.name.empty()) {
    const auto account = ref.account;
    const std::string inner = ref.name;
    bool exists = co_await offload([&] {
      return s.services().with_store([&](store::MailStore& st) { return st.mailbox(account, inner).has_value(); });
    });
    if (!exists) throw No{"Mailbox does not exist", "NONEXISTENT"};
  }
  s.send("* MYRIGHTS " + mailbox_text(s, name) + " " + store::acl::with_virtual(ref.rights) + "\r\n");
}

}  // namespace postamt::imap
