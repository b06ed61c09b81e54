// Mailbox names (RFC 9051 §5.1): validation, INBOX case-insensitivity, hierarchy with '/', and the
// names outside a user's personal namespace (RFC 2342 §5) that IMAP, Sieve and delivery share.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postamt::store {

constexpr std::size_t kMaxMailboxNameLength = 1000;
constexpr std::size_t kMaxMailboxDepth = 32;

// For lookups: "inbox" -> "INBOX", "inbox/x" -> "INBOX/x"; everything else unchanged.
std::string lookup_name(std::string_view name);
// For creating: lookup_name() after validation (non-empty, no CTL, no % or *, no empty hierarchy
// component, bounded length and depth). Throws store::Error.
std::string valid_new_name(std::string_view name);
bool is_inbox(std::string_view canonical);
// Superior names, outermost first: "a/b/c" -> {"a", "a/b"}.
std::vector<std::string> superiors(std::string_view canonical);
// Valid SPECIAL-USE attribute (RFC 6154 §2) or "" ; returns the canonical spelling, throws store::Error.
std::string valid_special_use(std::string_view attribute);

// RFC 2342 §5 namespace prefixes (followed by kHierarchyDelimiter): other users' mailboxes
// ("Other Users/<address>/<mailbox>") and the public folders ("Shared Folders/<mailbox>").
inline constexpr std::string_view kOtherUsersNamespace = "Other Users";
inline constexpr std::string_view kSharedFoldersNamespace = "Shared Folders";

// A name in one of those namespaces, split: the owner's address as written (empty for public
// folders) and the mailbox inside the owner's account ("" for the namespace or owner root).
struct ForeignName {
  bool public_folder = false;
  std::string owner;
  std::string inner;
};
// nullopt for a personal name (anything not starting with one of the prefixes as a whole component).
std::optional<ForeignName> foreign_name(std::string_view name);

}  // namespace postamt::store
