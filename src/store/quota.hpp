// Per-account quota (RFC 9208): the STORAGE (octets, reported in units of 1024) and MESSAGE usage kept
// exact by triggers on the messages table (store migration 3), per-account limits or the [quota] default.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/sqlite.hpp"
#include "store/types.hpp"

namespace postamt::config {
struct Config;
}

namespace postamt::store {

// Limits of one quota root; nullopt = no limit for that resource (RFC 9208 §4.2.1).
struct QuotaLimits {
  std::optional<std::uint64_t> storage_kib;  // STORAGE, units of 1024 octets (RFC 9208 §5.1)
  std::optional<std::uint64_t> messages;     // MESSAGE (§5.2)
  bool operator==(const QuotaLimits&) const = default;
};

struct QuotaUsage {
  std::uint64_t storage_bytes = 0;  // sum of the stored messages' sizes (each copy counts)
  std::uint64_t messages = 0;
  // STORAGE usage as RFC 9208 §5.1 reports it: 1024-octet units, rounded up.
  std::uint64_t storage_kib() const { return (storage_bytes + 1023) / 1024; }
};

struct Quota {
  QuotaUsage usage;
  QuotaLimits limits;   // in force: the account's own, else the default
  bool custom = false;  // the account has limits of its own (SETQUOTA / postamt quota set)
};

// Options of the store that come from the configuration.
struct StoreOptions {
  QuotaLimits default_quota;     // [quota] storage / messages
  unsigned warning_percent = 0;  // [quota] warning_percent: 1..100, 0 = no warning
};
StoreOptions store_options(const config::Config& config);

// A write that would take an account over its quota (nothing of it was stored).
class QuotaExceeded : public Error {
 public:
  QuotaExceeded(AccountId account, std::string resource)
      : Error("quota exceeded (" + resource + ")"), account_(account), resource_(std::move(resource)) {}
  AccountId account() const { return account_; }
  const std::string& resource() const { return resource_; }  // "STORAGE" or "MESSAGE"

 private:
  AccountId account_;
  std::string resource_;
};

namespace quota {

// The resource that adding `bytes` in `messages` new messages would exceed, or nullopt when it fits.
// Adding nothing always fits (an account over a lowered limit can still expunge and move).
std::optional<std::string> exceeded(const QuotaUsage& usage, const QuotaLimits& limits, std::uint64_t bytes,
                                    std::uint64_t messages);

// Rows of the account index (callers hold the account's lock; writes need a transaction).
QuotaUsage read_usage(sqlite::Database& db);
std::optional<QuotaLimits> read_limits(sqlite::Database& db);  // nullopt: the default applies
void write_limits(sqlite::Database& db, const std::optional<QuotaLimits>& limits);
// The warning threshold (RFC-free, issue 8): true once when usage first reaches `percent` of a limit,
// again only after it dropped below. Records the state; needs a transaction.
bool warning_due(sqlite::Database& db, const QuotaUsage& usage, const QuotaLimits& limits, unsigned percent);

}  // namespace quota
}  // namespace postamt::store
