// The MTA-STS policy cache (RFC 8461 §5.1): per policy domain the TXT id, the policy and when it was
// fetched, kept in DATA/queue/queue.sqlite (component "mta_sts") so a restart keeps the policies,
// which is what protects against a downgrade at the next fetch (§10).
#pragma once
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

#include "common/sqlite.hpp"
#include "queue/mta_sts.hpp"

namespace postamt::queue::mta_sts {

class Cache {
 public:
  // Opens (creating) the database file and applies the "mta_sts" migrations.
  explicit Cache(const std::filesystem::path& sqlite_file);

  std::optional<Cached> get(const std::string& domain);
  void put(const std::string& domain, const Cached& entry);

 private:
  std::mutex mu_;
  sqlite::Database db_;
};

}  // namespace postamt::queue::mta_sts
