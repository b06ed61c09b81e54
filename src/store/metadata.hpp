// IMAP METADATA entries (RFC 5464): the rows of one database's `metadata` table. A mailbox's entries
// live in its account's index (component "metadata", own migrations; mailbox_id 0 holds the user's
// /private server entries); the /shared server entries live in the shares registry DATA/shares.sqlite
// (mailbox_id 0, one copy for the whole server). Names arrive canonical (imap::protocol::canonical_entry).
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/sqlite.hpp"
#include "store/types.hpp"

namespace postamt::store::metadata {

// RFC 5464 §4.1: at least 1024 octets per value and 10 entries per mailbox must be accepted.
inline constexpr std::size_t kMaxValueSize = 64 * 1024;
// Per mailbox (or the server): /shared entries, and each user's /private entries, counted apart so
// that one user's private notes never keep another user from setting theirs.
inline constexpr std::size_t kMaxEntries = 100;

struct Entry {
  std::string name;   // canonical, e.g. "/shared/comment"
  std::string value;  // octets (binary allowed: RFC 5464 §5 value = nstring / literal8)
  bool operator==(const Entry&) const = default;
};
struct Change {
  std::string name;                  // canonical
  std::optional<std::string> value;  // nullopt (NIL) removes the entry (§4.3)
};

// A value over kMaxValueSize (IMAP: NO [METADATA MAXSIZE n]).
class TooBig : public Error {
 public:
  explicit TooBig(std::size_t max) : Error("metadata value too big"), max_(max) {}
  std::size_t max() const { return max_; }

 private:
  std::size_t max_;
};
// A new entry over kMaxEntries (IMAP: NO [METADATA TOOMANY]).
class TooMany : public Error {
 public:
  TooMany() : Error("too many metadata entries") {}
};

// The account index's table, with the trigger that drops a deleted mailbox's entries (§4.1).
void migrate(sqlite::Database& db);
// The table alone (for the shares registry, which has no mailboxes).
inline constexpr std::string_view kTableSql = R"sql(
CREATE TABLE metadata (
  mailbox_id INTEGER NOT NULL,
  user TEXT NOT NULL,
  name TEXT NOT NULL,
  value BLOB NOT NULL,
  PRIMARY KEY (mailbox_id, user, name)
) WITHOUT ROWID;
)sql";

// The /shared entries and `user`'s own /private entries, ordered by name.
std::vector<Entry> read(sqlite::Database& db, std::int64_t mailbox_id, std::string_view user);
// Applies the changes; throws TooBig / TooMany after possibly writing some of them, so it needs a
// transaction the caller rolls back on an exception (§4.3: one failure changes nothing).
void write(sqlite::Database& db, std::int64_t mailbox_id, std::string_view user, std::span<const Change> changes);
// Copies every entry (all users') of one mailbox to another: RENAME INBOX keeps INBOX's (§4.1).
void copy(sqlite::Database& db, std::int64_t from_mailbox, std::int64_t to_mailbox);

}  // namespace postamt::store::metadata
