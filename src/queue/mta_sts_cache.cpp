// MTA-STS policies cached in SQLite (RFC 8461 §5.1), migrations of component "mta_sts".
#include "queue/mta_sts_cache.hpp"

namespace postamt::queue::mta_sts {
namespace {

constexpr sqlite::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE mta_sts_policies(
  domain TEXT PRIMARY KEY,
  id TEXT NOT NULL,
  mode TEXT NOT NULL,
  mx TEXT NOT NULL,
  max_age INTEGER NOT NULL,
  fetched INTEGER NOT NULL);
)sql"},
};

}  // namespace

Cache::Cache(const std::filesystem::path& sqlite_file) {
  db_ = sqlite::Database::open(sqlite_file.string());
  sqlite::migrate(db_, "mta_sts", kMigrations);
}

std::optional<Cached> Cache::get(const std::string& domain) {
  std::lock_guard lock(mu_);
  auto st = db_.prepare("SELECT id, mode, mx, max_age, fetched FROM mta_sts_policies WHERE domain = ?");
  st.bind(1, domain);
  if (!st.step()) return std::nullopt;
  Cached c;
  c.id = st.text(0);
  std::string mode = st.text(1);
  c.policy.mode = mode == "enforce" ? Mode::Enforce : mode == "testing" ? Mode::Testing : Mode::None;
  std::string mx = st.text(2);
  std::size_t pos = 0;
  while (pos < mx.size()) {
    auto nl = mx.find('\n', pos);
    if (nl == std::string::npos) nl = mx.size();
    if (nl > pos) c.policy.mx.push_back(mx.substr(pos, nl - pos));
    pos = nl + 1;
  }
  c.policy.max_age = st.int64(3);
  c.fetched = st.int64(4);
  return c;
}

void Cache::put(const std::string& domain, const Cached& entry) {
  std::string mx;
  for (const auto& m : entry.policy.mx) mx += m + "\n";
  std::lock_guard lock(mu_);
  db_.prepare("INSERT OR REPLACE INTO mta_sts_policies(domain, id, mode, mx, max_age, fetched) VALUES(?,?,?,?,?,?)")
      .bind(1, domain)
      .bind(2, entry.id)
      .bind(3, to_string(entry.policy.mode))
      .bind(4, mx)
      .bind(5, entry.policy.max_age)
      .bind(6, entry.fetched)
      .run();
}

}  // namespace postamt::queue::mta_sts
