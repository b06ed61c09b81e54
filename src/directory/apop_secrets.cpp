// APOP secret storage (see apop_secrets.hpp); RFC 1939 §7 for what the secret is used for.
#include "directory/apop_secrets.hpp"

#include "directory/errors.hpp"

namespace postamt::directory {
namespace {

constexpr sqlite::Migration kApopMigrations[] = {
    {1, R"sql(
CREATE TABLE apop_secrets (
  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  secret TEXT NOT NULL,
  updated_at INTEGER NOT NULL DEFAULT (strftime('%s', 'now'))
);
)sql"},
};

}  // namespace

void migrate_apop_secrets(sqlite::Database& db) { sqlite::migrate(db, kApopComponent, kApopMigrations); }

void set_apop_secret(sqlite::Database& db, std::int64_t user_id, std::string_view secret) {
  if (secret.empty()) throw DataError("empty APOP secret");
  if (secret.size() > kMaxApopSecret) throw DataError("APOP secret longer than 1024 bytes");
  for (unsigned char c : secret)
    if (c < 0x20 || c == 0x7f) throw DataError("APOP secret contains control characters");
  migrate_apop_secrets(db);
  auto st = db.prepare(
      "INSERT INTO apop_secrets (user_id, secret) VALUES (?, ?) "
      "ON CONFLICT(user_id) DO UPDATE SET secret = excluded.secret, updated_at = strftime('%s', 'now')");
  st.bind(1, user_id).bind(2, secret).run();
}

std::optional<std::string> apop_secret(sqlite::Database& db, std::int64_t user_id) {
  migrate_apop_secrets(db);
  auto st = db.prepare("SELECT secret FROM apop_secrets WHERE user_id = ?");
  st.bind(1, user_id);
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

bool clear_apop_secret(sqlite::Database& db, std::int64_t user_id) {
  migrate_apop_secrets(db);
  auto st = db.prepare("DELETE FROM apop_secrets WHERE user_id = ?");
  st.bind(1, user_id).run();
  return db.changes() > 0;
}

bool apop_enabled(sqlite::Database& db) {
  migrate_apop_secrets(db);
  auto st = db.prepare("SELECT EXISTS (SELECT 1 FROM apop_secrets)");
  return st.step() && st.int64(0) != 0;
}

}  // namespace postamt::directory
