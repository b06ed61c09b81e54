// Whose mailbox a name of the session means and what the user may do there: the personal namespace,
// the "Other Users" namespace (RFC 2342 §5: "Other Users/<address>/<mailbox>"), the "Shared Folders"
// namespace of public folders (RFC 2342 §5, store::kPublicAccount), ACL rights (RFC 4314) and
// [admin] users (issue 8: administration through IMAP, as Cyrus allows).
#pragma once
#include <string>
#include <string_view>

#include "imap/session.hpp"
#include "store/mailbox_names.hpp"

namespace postamt::imap {

// RFC 2342 §5 "Other Users' Namespace" prefix (followed by the hierarchy delimiter).
inline constexpr std::string_view kOtherUsers = store::kOtherUsersNamespace;
// RFC 2342 §5 "Shared Namespace" prefix: the public folders, owned by no user.
inline constexpr std::string_view kSharedFolders = store::kSharedFoldersNamespace;

// A mailbox name as the session wrote it, resolved to its owner's account.
struct MailboxRef {
  store::AccountId account = 0;
  std::string owner;   // the owner's address ("" for a public folder): the quota root (RFC 9208 §3.2)
  std::string name;    // the name inside the owner's account ("" for the namespace root itself)
  std::string rights;  // the session user's rights (RFC 4314 §2.1), canonical; all for the owner
  bool own = true;     // the session user's own account
  bool public_folder = false;  // in the "Shared Folders" namespace (account store::kPublicAccount)
  bool known = true;   // false: "Other Users/<x>" where x is no user (no rights, no account)
};

// The name under which the session shows `inner` of the same account as `ref` (the namespace
// prefix put back: "Other Users/<owner>/<inner>", "Shared Folders/<inner>", or just `inner`).
std::string shown_name(const MailboxRef& ref, const std::string& inner);

// The quota root of the mailbox: the owner's address, or "Shared Folders" for public folders.
std::string quota_root(const MailboxRef& ref);

// Resolves `name` (canonical UTF-8); for another user's mailbox reads the user's rights, which are
// empty for a mailbox or user that does not exist, so nothing tells the two apart (RFC 4314 §6).
asio::awaitable<MailboxRef> resolve_mailbox(Session& s, const std::string& name);

// Throws No [NOPERM] unless the user holds `right` on the mailbox; without any right at all the
// answer is the same as for a mailbox that does not exist.
void require_right(const MailboxRef& ref, char right);

// The flags a user with `rights` may set or clear (RFC 4314 §4 STORE, COPY, APPEND): \Seen needs
// "s", \Deleted "t", every other flag "w". Case of system flags is ignored.
std::vector<std::string> permitted_flags(const std::vector<std::string>& flags, std::string_view rights);

// The name under which the session shows a mailbox of `owner` ("Other Users/<owner>/<name>").
std::string shown_name(const std::string& owner, const std::string& name);

// The session's user is listed in [admin] users: all rights on every mailbox.
bool is_admin(Session& s);

}  // namespace postamt::imap
