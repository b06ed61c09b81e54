// One account's index database (DATA/accounts/<id>/index.sqlite): schema migrations (components
// "store" and "metadata") and the row-level operations shared by the store's commands. Callers hold
// the transaction.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/sqlite.hpp"
#include "store/types.hpp"

namespace postamt::store::index {

void migrate(sqlite::Database& db);

struct MailboxRow {
  std::int64_t id = 0;
  std::string name;
  std::uint32_t uidvalidity = 0, uidnext = 1;
  std::uint64_t highestmodseq = 1;
  std::string special_use;
  bool subscribed = false;
  std::uint32_t first_recent_uid = 1;
};

std::optional<MailboxRow> find_mailbox(sqlite::Database& db, std::string_view canonical_name);
MailboxRow require_mailbox(sqlite::Database& db, std::string_view canonical_name);  // throws NoSuchMailbox
std::vector<MailboxRow> all_mailboxes(sqlite::Database& db);
// Inserts a mailbox with a fresh UIDVALIDITY (RFC 9051 §2.3.1.1). Returns its id.
std::int64_t insert_mailbox(sqlite::Database& db, std::string_view name, std::string_view special_use,
                            bool subscribed);
// Time-based, strictly increasing per account, never 0: a mailbox re-created under an old name gets a
// larger value than before (RFC 9051 §2.3.1.1).
std::uint32_t next_uidvalidity(sqlite::Database& db);
// Increments and returns the mailbox's HIGHESTMODSEQ (RFC 7162 §3.1.1).
std::uint64_t next_modseq(sqlite::Database& db, std::int64_t mailbox_id);
// Takes UIDNEXT and advances it; throws Error when the 32-bit UID space is exhausted.
std::uint32_t take_uid(sqlite::Database& db, std::int64_t mailbox_id);

struct MessageRow {
  std::uint32_t uid;
  std::string blob;
};
// Deletes the given messages (unknown uids ignored), remembering them as expunged at `modseq`.
// Returns the rows deleted, ascending uid.
std::vector<MessageRow> remove_messages(sqlite::Database& db, std::int64_t mailbox_id,
                                        std::span<const std::uint32_t> uids, std::uint64_t modseq);
bool blob_referenced(sqlite::Database& db, std::string_view blob);

MessageInfo read_message_row(sqlite::Statement& st);  // columns: kMessageColumns
inline constexpr std::string_view kMessageColumns =
    "uid, modseq, flags, internal_date, size, blob, envelope, bodystructure";

}  // namespace postamt::store::index
