// Mailbox names to owners' accounts and the user's rights (see access.hpp; RFC 2342 §5, RFC 4314).
#include "imap/access.hpp"

#include <algorithm>

#include "common/config.hpp"
#include "common/offload.hpp"
#include "common/strings.hpp"
#include "directory/directory.hpp"
#include "services/services.hpp"
#include "store/acl.hpp"

namespace postamt::imap {

std::string shown_name(const std::string& owner, const std::string& name) {
  std::string out = std::string(kOtherUsers) + store::kHierarchyDelimiter + owner;
  if (!name.empty()) out += store::kHierarchyDelimiter + name;
  return out;
}

std::string shown_name(const MailboxRef& ref, const std::string& inner) {
  if (ref.own) return inner;
  if (!ref.public_folder) return shown_name(ref.owner, inner);
  std::string out(kSharedFolders);
  if (!inner.empty()) out += store::kHierarchyDelimiter + inner;
  return out;
}

std::string quota_root(const MailboxRef& ref) { return ref.public_folder ? std::string(kSharedFolders) : ref.owner; }

namespace {

// One of the user's own mailboxes: every right, unless the owner restricted their own rights
// (store::kOwner; checked without I/O first, so the usual case costs no store round trip).
asio::awaitable<MailboxRef> resolve_own(Session& s, std::string inner) {
  MailboxRef ref{s.account(), s.user(), std::move(inner), std::string(store::kAllRights), true, false, true};
  const auto account = s.account();
  if (!s.services().with_store([account](store::MailStore& st) { return st.owner_restricted(account); }))
    co_return ref;
  const std::string name = ref.name;
  auto rights = co_await offload([&s, account, &name] {
    return s.services().with_store([&](store::MailStore& st) { return st.owner_rights(account, name); });
  });
  if (rights) ref.rights = *rights;
  co_return ref;
}

asio::awaitable<MailboxRef> resolve_public(Session& s, std::string inner_name) {
  MailboxRef ref{store::kPublicAccount, "", std::move(inner_name), "", false, true, true};
  if (is_admin(s)) {
    ref.rights = std::string(store::kAllRights);
    co_return ref;
  }
  if (ref.name.empty()) co_return ref;  // the namespace root: nothing but admins may act on it
  const std::string user = s.user();
  const std::string inner = ref.name;
  ref.rights = co_await offload([&s, &inner, &user] {
    return s.services().with_store([&](store::MailStore& st) -> std::string {
      try {
        return st.rights(store::kPublicAccount, inner, user).value_or("");
      } catch (const store::NoSuchAccount&) {
        return "";  // no public folder created yet
      }
    });
  });
  co_return ref;
}

}  // namespace

asio::awaitable<MailboxRef> resolve_mailbox(Session& s, const std::string& name) {
  auto foreign = store::foreign_name(name);
  if (!foreign) co_return co_await resolve_own(s, name);
  if (foreign->public_folder) co_return co_await resolve_public(s, std::move(foreign->inner));
  // "Other Users/<owner>[/<mailbox>]"
  const std::string owner = std::move(foreign->owner), inner = std::move(foreign->inner);
  MailboxRef ref{-1, owner, inner, "", false, false, false};
  if (owner.empty() || owner.size() > 320) co_return ref;
  const bool admin = is_admin(s);
  const std::string user = s.user();
  struct Found {
    store::AccountId account = -1;
    std::string address, rights;
  };
  // Captures by reference: GCC 12 destroys by-value std::string captures of a co_await operand twice.
  auto found = co_await offload([&s, &owner, &inner, admin, &user] {
    Found f;
    auto u = s.services().with_directory([&](directory::Directory& d) { return d.find_user(owner); });
    if (!u) return f;
    f.account = u->id;
    f.address = u->address;
    if (admin) {
      f.rights = std::string(store::kAllRights);  // [admin] users administer every mailbox
    } else if (!inner.empty()) {
      auto r = s.services().with_store([&](store::MailStore& st) { return st.rights(u->id, inner, user); });
      f.rights = r.value_or("");
    }
    return f;
  });
  if (found.account == s.account()) co_return co_await resolve_own(s, inner);
  if (found.account < 0) co_return ref;  // no such user: no rights, indistinguishable (RFC 4314 §6)
  ref.account = found.account;
  ref.owner = found.address;
  ref.rights = found.rights;
  ref.known = true;
  co_return ref;
}

std::vector<std::string> permitted_flags(const std::vector<std::string>& flags, std::string_view rights) {
  std::vector<std::string> out;
  for (const auto& f : flags) {
    char need = str::iequals(f, "\\Seen") ? 's' : str::iequals(f, "\\Deleted") ? 't' : 'w';
    if (store::acl::has(rights, need)) out.push_back(f);
  }
  return out;
}

void require_right(const MailboxRef& ref, char right) {
  if (store::acl::has(ref.rights, right)) return;
  // RFC 4314 §6: no right at all looks exactly like no such mailbox (nothing leaks); with some
  // rights the user may know the mailbox exists.
  throw No{"Permission denied", "NOPERM"};
}

bool is_admin(Session& s) {
  const auto& admins = s.services().config().admins;
  return std::any_of(admins.begin(), admins.end(), [&](const std::string& a) { return str::iequals(a, s.user()); });
}

}  // namespace postamt::imap
