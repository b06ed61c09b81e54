// Sieve's memory between messages, per account: ids seen by the duplicate test (RFC 7352 §3) and
// vacation replies sent per sender and handle (RFC 5230 §4.2, §4.1 resend interval). Kept in the
// account's index database (component "sieve_tracking", its own migrations).
#pragma once
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "common/sqlite.hpp"
#include "store/types.hpp"

namespace postamt::store {

class SieveTracking {
 public:
  // Rows older than this are pruned (the longest period a script may ask for is 90 days).
  static constexpr std::int64_t kKeepSeconds = 91 * 86400;

  // Opens DATA/accounts/<id>/index.sqlite; throws NoSuchAccount when the account was never created.
  SieveTracking(const std::filesystem::path& data_dir, AccountId account);
  explicit SieveTracking(sqlite::Database db);  // tests: an already open database; migrates it

  // RFC 7352: was `id` recorded less than `seconds` before `now`?
  bool duplicate_seen(std::string_view id, std::uint64_t seconds, std::int64_t now);
  // Records (or refreshes, for :last) `id` as seen at `now`.
  void record_duplicate(std::string_view id, std::int64_t now);

  // RFC 5230 §4.2: was a reply sent to `sender` (compared case-insensitively) for `handle` less than
  // `seconds` before `now`? `seconds` 0 (RFC 6131 :seconds 0) means never.
  bool vacation_sent(std::string_view sender, std::string_view handle, std::uint64_t seconds, std::int64_t now);
  void record_vacation(std::string_view sender, std::string_view handle, std::int64_t now);

  // Deletes rows older than kKeepSeconds before `now`.
  void prune(std::int64_t now);

 private:
  sqlite::Database db_;
};

}  // namespace postamt::store
