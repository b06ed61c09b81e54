// Directory schema migrations (see schema.hpp). Addresses and domains are stored lower-cased, so
// UNIQUE gives case-insensitive uniqueness. AUTOINCREMENT: a user id is a store account id
// (accounts/<id>/) and must never be handed to a new user after a deletion.
#include "directory/schema.hpp"

namespace postamt::directory {
namespace {

constexpr sqlite::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE domains (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL DEFAULT (strftime('%s', 'now'))
);
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  address TEXT NOT NULL UNIQUE,
  domain_id INTEGER NOT NULL REFERENCES domains(id),
  password_hash TEXT NOT NULL,
  quota_bytes INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL DEFAULT (strftime('%s', 'now'))
);
CREATE INDEX users_domain ON users(domain_id);
CREATE TABLE aliases (
  source TEXT NOT NULL,
  target TEXT NOT NULL,
  position INTEGER NOT NULL,
  domain_id INTEGER NOT NULL REFERENCES domains(id),
  PRIMARY KEY (source, target)
);
CREATE INDEX aliases_domain ON aliases(domain_id);
)sql"},
    // SCRAM-SHA-256 secrets (RFC 5802 StoredKey/ServerKey, Dovecot's "{SCRAM-SHA-256}" text form): derived
    // from the plaintext when a password is set; NULL for imported hashes (SCRAM then fails for them).
    {2, R"sql(
ALTER TABLE users ADD COLUMN scram_sha256 TEXT;
)sql"},
};

}  // namespace

std::span<const sqlite::Migration> migrations() { return kMigrations; }

}  // namespace postamt::directory
