// Per-account quota rows and checks (see quota.hpp; RFC 9208 §3.1, §5.1, §5.2). The usage row is kept
// by triggers on the messages table, so every transaction that adds or removes messages updates it.
#include "store/quota.hpp"

#include "common/config.hpp"
#include "store/sqlite_store_impl.hpp"

namespace postamt::store {

StoreOptions store_options(const config::Config& c) {
  StoreOptions o;
  // [quota] storage is in octets; the limit is kept as RFC 9208 reports it, in 1024-octet units.
  if (c.quota.storage) o.default_quota.storage_kib = (c.quota.storage + 1023) / 1024;
  if (c.quota.messages) o.default_quota.messages = c.quota.messages;
  o.warning_percent = c.quota.warning_percent;
  return o;
}

QuotaLimits SqliteStore::limits_of(sqlite::Database& d) const {
  auto own = quota::read_limits(d);
  return own ? *own : options_.default_quota;
}

Quota SqliteStore::quota(AccountId account) {
  auto d = db(account);
  auto own = quota::read_limits(*d);
  return Quota{quota::read_usage(*d), own ? *own : options_.default_quota, own.has_value()};
}

void SqliteStore::set_quota(AccountId account, const std::optional<QuotaLimits>& limits) {
  auto d = db(account);
  sqlite::Transaction tx(*d);
  quota::write_limits(*d, limits);
  tx.commit();
}

bool SqliteStore::take_quota_warning(AccountId account) {
  if (options_.warning_percent == 0) return false;
  auto d = db(account);
  sqlite::Transaction tx(*d);
  bool due = quota::warning_due(*d, quota::read_usage(*d), limits_of(*d), options_.warning_percent);
  tx.commit();
  return due;
}

namespace quota {

std::optional<std::string> exceeded(const QuotaUsage& usage, const QuotaLimits& limits, std::uint64_t bytes,
                                    std::uint64_t messages) {
  if (bytes == 0 && messages == 0) return std::nullopt;
  // The limit is hard (RFC 9208 §3.1): a write that would go beyond it is refused whole.
  if (limits.storage_kib && usage.storage_bytes + bytes > *limits.storage_kib * 1024) return "STORAGE";
  if (limits.messages && usage.messages + messages > *limits.messages) return "MESSAGE";
  return std::nullopt;
}

QuotaUsage read_usage(sqlite::Database& db) {
  auto st = db.prepare("SELECT storage, messages FROM quota_usage WHERE id = 1");
  QuotaUsage u;
  if (st.step()) {
    u.storage_bytes = static_cast<std::uint64_t>(st.int64(0));
    u.messages = static_cast<std::uint64_t>(st.int64(1));
  }
  return u;
}

std::optional<QuotaLimits> read_limits(sqlite::Database& db) {
  auto st = db.prepare("SELECT resource, value FROM quota_limits");
  std::optional<QuotaLimits> out;
  while (st.step()) {
    if (!out) out.emplace();
    auto resource = st.text(0);
    if (st.is_null(1)) continue;  // explicitly unlimited
    auto v = static_cast<std::uint64_t>(st.int64(1));
    if (resource == "STORAGE") out->storage_kib = v;
    else if (resource == "MESSAGE") out->messages = v;
  }
  return out;
}

void write_limits(sqlite::Database& db, const std::optional<QuotaLimits>& limits) {
  db.prepare("DELETE FROM quota_limits").run();
  if (!limits) return;
  // Both rows are written: a NULL value is "no limit", different from "no row" (the default applies).
  auto ins = db.prepare("INSERT INTO quota_limits(resource, value) VALUES(?, ?)");
  auto put = [&](const char* name, const std::optional<std::uint64_t>& v) {
    ins.reset();
    ins.bind(1, std::string_view(name));
    if (v) ins.bind(2, static_cast<std::int64_t>(*v));
    else ins.bind_null(2);
    ins.run();
  };
  put("STORAGE", limits->storage_kib);
  put("MESSAGE", limits->messages);
}

bool warning_due(sqlite::Database& db, const QuotaUsage& usage, const QuotaLimits& limits, unsigned percent) {
  if (percent == 0) return false;
  auto reached = [&](std::uint64_t used, const std::optional<std::uint64_t>& limit) {
    return limit && *limit > 0 && used * 100 >= *limit * percent;
  };
  const bool over = reached(usage.storage_bytes, limits.storage_kib ? std::optional(*limits.storage_kib * 1024)
                                                                     : std::nullopt) ||
                    reached(usage.messages, limits.messages);
  auto get = db.prepare("SELECT value FROM account_meta WHERE key = 'quota_warned'");
  const bool warned = get.step() && get.int64(0) != 0;
  if (over == warned) return false;
  db.prepare(
        "INSERT INTO account_meta(key, value) VALUES('quota_warned', ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .bind(1, over ? 1 : 0)
      .run();
  return over;  // reached now, not before: warn once; dropped below: re-armed
}

}  // namespace quota
}  // namespace postamt::store
