// Access control lists (RFC 4314): rights strings (§2.1 standard rights, §2.1.1 the virtual "c" and
// "d"), the per-mailbox ACL rows of an account index (store migration 4) and the shares registry
// (DATA/shares.sqlite) that tells which accounts may have shared mailboxes with an identifier.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sqlite.hpp"
#include "store/types.hpp"

namespace postamt::store {

// RFC 4314 §2.1, in the order they are reported.
inline constexpr std::string_view kAllRights = "lrswipkxtea";
// The universal identity (RFC 4314 §2).
inline constexpr std::string_view kAnyone = "anyone";

struct AclEntry {
  std::string identifier;  // "anyone" or a user's address (lower case)
  std::string rights;      // canonical: a subset of kAllRights in its order
};

// A mailbox of another account the identifier has rights on (the "Other Users" namespace).
struct SharedMailbox {
  MailboxInfo info;
  std::string rights;  // canonical, never empty
};

namespace acl {

// A SETACL rights argument without its +/- prefix: every character a standard right, "c" standing
// for "kx" and "d" for "et" (RFC 4314 §2.1.1); digits are not supported. Canonical rights, or
// nullopt naming no unknown right (the caller answers BAD, RFC 4314 §3.1).
std::optional<std::string> parse_rights(std::string_view text);
std::string canonical(std::string_view rights);           // deduplicated, in kAllRights order
std::string unite(std::string_view a, std::string_view b);
std::string remove(std::string_view from, std::string_view rights);
bool has(std::string_view rights, char right);
// For ACL and MYRIGHTS responses: "c" added when "k" or "x" is there, "d" when "e" or "t" is
// (RFC 4314 §2.1.1).
std::string with_virtual(std::string_view rights);

// Rows of one account's index (callers hold the account's lock; writes need a transaction).
std::vector<AclEntry> read(sqlite::Database& db, std::int64_t mailbox_id);
// Sets the identifier's rights; empty rights delete its entry (DELETEACL).
void write(sqlite::Database& db, std::int64_t mailbox_id, std::string_view identifier, std::string_view rights);
// Rights of `identifier` on the mailbox: its entry united with "anyone"'s (RFC 4314 §2: the union).
std::string rights_of(sqlite::Database& db, std::int64_t mailbox_id, std::string_view identifier);
// Identifiers that still hold rights somewhere in the account.
std::vector<std::string> identifiers(sqlite::Database& db);

}  // namespace acl
}  // namespace postamt::store
