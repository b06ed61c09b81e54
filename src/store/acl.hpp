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
// The owner's own entry, stored only when owners restricted their own rights on a mailbox (as
// Dovecot's "owner" identifier); without it the owner holds every right. "l" and "a" stay implicit
// (RFC 4314 §2: an owner may keep rights that cannot be removed), so an owner can always undo it.
inline constexpr std::string_view kOwner = "owner";
inline constexpr std::string_view kOwnerImplicit = "la";

struct AclEntry {
  std::string identifier;  // "anyone" or a user's address (lower case), "-" before either for a
                           // negative entry (RFC 4314 §2), or kOwner
  std::string rights;      // canonical: a subset of kAllRights in its order
};

// A mailbox of another account the identifier has rights on (the "Other Users" namespace).
struct SharedMailbox {
  MailboxInfo info;
  std::string rights;  // canonical, never empty
};

class MailStore;

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

// A SETACL rights argument (RFC 4314 §3.1): mode '+' adds, '-' removes, 0 replaces; `rights` canonical.
struct RightsChange {
  char mode = 0;
  std::string rights;
};
// The SETACL rights argument ("+lr", "-w", "lrs"); nullopt when it names an unknown right.
std::optional<RightsChange> parse_change(std::string_view text);
// SETACL (`change` set) or DELETEACL (nullopt) of `identifier` on a mailbox, the same for IMAP and
// the CLI. With `owner`, the owner's own entry (kOwner): what they keep, never less than
// kOwnerImplicit; deleting it or granting everything removes the restriction. Throws NoSuchMailbox.
void change(MailStore& store, std::int64_t account, std::string_view mailbox, std::string_view identifier, bool owner,
            const std::optional<RightsChange>& change);
// The ACL as GETACL shows it (RFC 4314 §3.6): the owner's address first with their rights (unless
// `owner` is empty: a public folder), then every other entry. Throws NoSuchMailbox.
std::vector<AclEntry> shown(MailStore& store, std::int64_t account, std::string_view mailbox, std::string_view owner);

// Rows of one account's index (callers hold the account's lock; writes need a transaction).
std::vector<AclEntry> read(sqlite::Database& db, std::int64_t mailbox_id);
// Sets the identifier's rights; empty rights delete its entry (DELETEACL).
void write(sqlite::Database& db, std::int64_t mailbox_id, std::string_view identifier, std::string_view rights);
// Rights of `identifier` on the mailbox: its entry united with "anyone"'s, less what the negative
// entries "-identifier" and "-anyone" take away (RFC 4314 §2).
std::string rights_of(sqlite::Database& db, std::int64_t mailbox_id, std::string_view identifier);
// The owner's rights on the mailbox: every right, or their own entry with kOwnerImplicit.
std::string owner_rights_of(sqlite::Database& db, std::int64_t mailbox_id);
// Identifiers that still hold rights somewhere in the account.
std::vector<std::string> identifiers(sqlite::Database& db);

}  // namespace acl
}  // namespace postamt::store
