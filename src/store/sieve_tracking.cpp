// Duplicate ids (RFC 7352) and vacation replies (RFC 5230 §4.2) recorded per account (see
// sieve_tracking.hpp).
#include "store/sieve_tracking.hpp"

#include <unistd.h>

#include <array>
#include <string>

#include "common/strings.hpp"
#include "store/blob_files.hpp"

namespace postamt::store {
namespace {

constexpr std::array<sqlite::Migration, 1> kMigrations{{
    {1,
     "CREATE TABLE sieve_duplicates (id TEXT PRIMARY KEY, seen INTEGER NOT NULL);"
     "CREATE TABLE sieve_vacation (sender TEXT NOT NULL, handle TEXT NOT NULL, sent INTEGER NOT NULL,"
     " PRIMARY KEY (sender, handle));"},
}};

sqlite::Database open_index(const std::filesystem::path& data_dir, AccountId account) {
  auto path = Layout(data_dir).index_path(account);
  if (::access(path.c_str(), F_OK) != 0) throw NoSuchAccount("no such account " + std::to_string(account));
  return sqlite::Database::open(path.string(), false);
}

// The start of the window: rows at or after it count. A window longer than the clock is everything.
std::int64_t since(std::uint64_t seconds, std::int64_t now) {
  return seconds >= static_cast<std::uint64_t>(now) ? 0 : now - static_cast<std::int64_t>(seconds);
}

}  // namespace

SieveTracking::SieveTracking(const std::filesystem::path& data_dir, AccountId account)
    : SieveTracking(open_index(data_dir, account)) {}

SieveTracking::SieveTracking(sqlite::Database db) : db_(std::move(db)) {
  sqlite::migrate(db_, "sieve_tracking", kMigrations);
}

bool SieveTracking::duplicate_seen(std::string_view id, std::uint64_t seconds, std::int64_t now) {
  if (seconds == 0) return false;
  auto st = db_.prepare("SELECT 1 FROM sieve_duplicates WHERE id = ? AND seen > ?");
  st.bind(1, id).bind(2, since(seconds, now));
  return st.step();
}

void SieveTracking::record_duplicate(std::string_view id, std::int64_t now) {
  db_.prepare("INSERT INTO sieve_duplicates(id, seen) VALUES(?, ?) ON CONFLICT(id) DO UPDATE SET seen = excluded.seen")
      .bind(1, id)
      .bind(2, now)
      .run();
}

bool SieveTracking::vacation_sent(std::string_view sender, std::string_view handle, std::uint64_t seconds,
                                  std::int64_t now) {
  if (seconds == 0) return false;
  auto st = db_.prepare("SELECT 1 FROM sieve_vacation WHERE sender = ? AND handle = ? AND sent > ?");
  st.bind(1, str::to_lower(sender)).bind(2, handle).bind(3, since(seconds, now));
  return st.step();
}

void SieveTracking::record_vacation(std::string_view sender, std::string_view handle, std::int64_t now) {
  db_.prepare(
         "INSERT INTO sieve_vacation(sender, handle, sent) VALUES(?, ?, ?) "
         "ON CONFLICT(sender, handle) DO UPDATE SET sent = excluded.sent")
      .bind(1, str::to_lower(sender))
      .bind(2, handle)
      .bind(3, now)
      .run();
}

void SieveTracking::prune(std::int64_t now) {
  std::int64_t cutoff = now - kKeepSeconds;
  db_.prepare("DELETE FROM sieve_duplicates WHERE seen < ?").bind(1, cutoff).run();
  db_.prepare("DELETE FROM sieve_vacation WHERE sent < ?").bind(1, cutoff).run();
}

}  // namespace postamt::store
