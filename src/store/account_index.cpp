// Index schema and row operations (see account_index.hpp). The schema keeps what CONDSTORE/QRESYNC
// need (RFC 7162): per-message modseq, per-mailbox HIGHESTMODSEQ, expunged UIDs with their modseq.
#include "store/account_index.hpp"

#include <algorithm>
#include <ctime>
#include <limits>

#include "store/flags.hpp"
#include "store/metadata.hpp"

namespace postamt::store::index {
namespace {
constexpr sqlite::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE account_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE mailboxes (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  uidvalidity INTEGER NOT NULL,
  uidnext INTEGER NOT NULL DEFAULT 1,
  highestmodseq INTEGER NOT NULL DEFAULT 1,
  special_use TEXT NOT NULL DEFAULT '',
  subscribed INTEGER NOT NULL DEFAULT 0,
  first_recent_uid INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE messages (
  mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  uid INTEGER NOT NULL,
  modseq INTEGER NOT NULL,
  internal_date INTEGER NOT NULL,
  size INTEGER NOT NULL,
  blob TEXT NOT NULL,
  flags TEXT NOT NULL DEFAULT '',
  envelope TEXT NOT NULL DEFAULT '',
  bodystructure TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (mailbox_id, uid)
) WITHOUT ROWID;
CREATE INDEX messages_blob ON messages(blob);
CREATE INDEX messages_modseq ON messages(mailbox_id, modseq);
CREATE TABLE expunged (
  mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  uid INTEGER NOT NULL,
  modseq INTEGER NOT NULL,
  PRIMARY KEY (mailbox_id, uid)
) WITHOUT ROWID;
CREATE INDEX expunged_modseq ON expunged(mailbox_id, modseq);
)sql"},
    {2, R"sql(
CREATE TABLE sieve_scripts (
  name TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL
);
CREATE UNIQUE INDEX sieve_scripts_one_active ON sieve_scripts(active) WHERE active = 1;
)sql"},
    // Quota (RFC 9208, store/quota.hpp): one usage row kept exact by triggers inside every transaction
    // that adds or removes messages (delivery, APPEND, COPY, MOVE, EXPUNGE, DELETE, fsck repairs);
    // per-account limits (no rows: the [quota] default; a NULL value: no limit).
    {3, R"sql(
CREATE TABLE quota_usage (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  storage INTEGER NOT NULL,
  messages INTEGER NOT NULL
);
INSERT INTO quota_usage(id, storage, messages) SELECT 1, coalesce(sum(size), 0), count(*) FROM messages;
CREATE TRIGGER quota_usage_insert AFTER INSERT ON messages BEGIN
  UPDATE quota_usage SET storage = storage + NEW.size, messages = messages + 1 WHERE id = 1;
END;
CREATE TRIGGER quota_usage_delete AFTER DELETE ON messages BEGIN
  UPDATE quota_usage SET storage = storage - OLD.size, messages = messages - 1 WHERE id = 1;
END;
CREATE TRIGGER quota_usage_resize AFTER UPDATE OF size ON messages BEGIN
  UPDATE quota_usage SET storage = storage - OLD.size + NEW.size WHERE id = 1;
END;
CREATE TABLE quota_limits (resource TEXT PRIMARY KEY, value INTEGER);
)sql"},
    // Access control lists (RFC 4314, store/acl.hpp): one row per mailbox and identifier; the owner's
    // own rights are implicit. Deleting a mailbox deletes its ACL (RFC 4314 §4 DELETE).
    {4, R"sql(
CREATE TABLE acl (
  mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  identifier TEXT NOT NULL,
  rights TEXT NOT NULL,
  PRIMARY KEY (mailbox_id, identifier)
) WITHOUT ROWID;
CREATE INDEX acl_identifier ON acl(identifier);
)sql"},
    // Subscriptions to names outside the personal namespace ("Other Users/...", "Shared Folders/...",
    // RFC 9051 §6.3.7): the user's own, kept as the names the user sees; they need not exist.
    {5, R"sql(
CREATE TABLE foreign_subscriptions (name TEXT PRIMARY KEY) WITHOUT ROWID;
)sql"},
};

MailboxRow read_mailbox(sqlite::Statement& st) {
  MailboxRow r;
  r.id = st.int64(0);
  r.name = st.text(1);
  r.uidvalidity = static_cast<std::uint32_t>(st.int64(2));
  r.uidnext = static_cast<std::uint32_t>(st.int64(3));
  r.highestmodseq = static_cast<std::uint64_t>(st.int64(4));
  r.special_use = st.text(5);
  r.subscribed = st.int64(6) != 0;
  r.first_recent_uid = static_cast<std::uint32_t>(st.int64(7));
  return r;
}
constexpr std::string_view kMailboxColumns =
    "id, name, uidvalidity, uidnext, highestmodseq, special_use, subscribed, first_recent_uid";
}  // namespace

void migrate(sqlite::Database& db) {
  sqlite::migrate(db, "store", kMigrations);
  metadata::migrate(db);  // its own component (metadata.cpp), after the mailboxes table exists
}

std::optional<MailboxRow> find_mailbox(sqlite::Database& db, std::string_view canonical_name) {
  auto st = db.prepare("SELECT " + std::string(kMailboxColumns) + " FROM mailboxes WHERE name = ?");
  st.bind(1, canonical_name);
  if (!st.step()) return std::nullopt;
  return read_mailbox(st);
}

MailboxRow require_mailbox(sqlite::Database& db, std::string_view canonical_name) {
  auto m = find_mailbox(db, canonical_name);
  if (!m) throw NoSuchMailbox("no such mailbox '" + std::string(canonical_name) + "'");
  return *m;
}

std::vector<MailboxRow> all_mailboxes(sqlite::Database& db) {
  auto st = db.prepare("SELECT " + std::string(kMailboxColumns) +
                       " FROM mailboxes ORDER BY name <> 'INBOX', name");
  std::vector<MailboxRow> out;
  while (st.step()) out.push_back(read_mailbox(st));
  return out;
}

std::uint32_t next_uidvalidity(sqlite::Database& db) {
  auto get = db.prepare("SELECT value FROM account_meta WHERE key = 'last_uidvalidity'");
  std::int64_t last = get.step() ? get.int64(0) : 0;
  std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  std::int64_t v = std::max(now, last + 1);
  if (v > std::numeric_limits<std::uint32_t>::max()) v = last + 1;  // after 2106: counter only
  if (v > std::numeric_limits<std::uint32_t>::max() || v <= 0) throw Error("UIDVALIDITY space exhausted");
  db.prepare(
        "INSERT INTO account_meta(key, value) VALUES('last_uidvalidity', ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .bind(1, v)
      .run();
  return static_cast<std::uint32_t>(v);
}

std::int64_t insert_mailbox(sqlite::Database& db, std::string_view name, std::string_view special_use,
                            bool subscribed) {
  auto uidvalidity = next_uidvalidity(db);
  db.prepare("INSERT INTO mailboxes(name, uidvalidity, special_use, subscribed) VALUES(?, ?, ?, ?)")
      .bind(1, name)
      .bind(2, uidvalidity)
      .bind(3, special_use)
      .bind(4, subscribed ? 1 : 0)
      .run();
  return db.last_insert_rowid();
}

std::uint64_t next_modseq(sqlite::Database& db, std::int64_t mailbox_id) {
  auto st = db.prepare("UPDATE mailboxes SET highestmodseq = highestmodseq + 1 WHERE id = ? RETURNING highestmodseq");
  st.bind(1, mailbox_id);
  if (!st.step()) throw NoSuchMailbox("mailbox vanished");
  auto modseq = static_cast<std::uint64_t>(st.int64(0));
  while (st.step()) {
  }
  return modseq;
}

std::uint32_t take_uid(sqlite::Database& db, std::int64_t mailbox_id) {
  auto st = db.prepare("SELECT uidnext FROM mailboxes WHERE id = ?");
  st.bind(1, mailbox_id);
  if (!st.step()) throw NoSuchMailbox("mailbox vanished");
  auto uid = st.int64(0);
  // UIDs are 32-bit non-zero (RFC 9051 §2.3.1.1); renumbering would need a new UIDVALIDITY.
  if (uid >= std::numeric_limits<std::uint32_t>::max()) throw Error("mailbox has used up its UIDs");
  db.prepare("UPDATE mailboxes SET uidnext = ? WHERE id = ?").bind(1, uid + 1).bind(2, mailbox_id).run();
  return static_cast<std::uint32_t>(uid);
}

std::vector<MessageRow> remove_messages(sqlite::Database& db, std::int64_t mailbox_id,
                                        std::span<const std::uint32_t> uids, std::uint64_t modseq) {
  std::vector<MessageRow> out;
  auto del = db.prepare("DELETE FROM messages WHERE mailbox_id = ? AND uid = ? RETURNING blob");
  auto rec = db.prepare(
      "INSERT INTO expunged(mailbox_id, uid, modseq) VALUES(?, ?, ?) "
      "ON CONFLICT(mailbox_id, uid) DO UPDATE SET modseq = excluded.modseq");
  for (auto uid : uids) {
    del.reset();
    del.bind(1, mailbox_id).bind(2, uid);
    if (!del.step()) continue;
    out.push_back({uid, del.text(0)});
    while (del.step()) {
    }
    rec.reset();
    rec.bind(1, mailbox_id).bind(2, uid).bind(3, modseq).run();
  }
  std::sort(out.begin(), out.end(), [](const MessageRow& a, const MessageRow& b) { return a.uid < b.uid; });
  return out;
}

bool blob_referenced(sqlite::Database& db, std::string_view blob) {
  auto st = db.prepare("SELECT 1 FROM messages WHERE blob = ? LIMIT 1");
  st.bind(1, blob);
  return st.step();
}

MessageInfo read_message_row(sqlite::Statement& st) {
  MessageInfo m;
  m.uid = static_cast<std::uint32_t>(st.int64(0));
  m.modseq = static_cast<std::uint64_t>(st.int64(1));
  m.flags = split_flags(st.text(2));
  m.internal_date = st.int64(3);
  m.size = static_cast<std::uint64_t>(st.int64(4));
  m.blob = st.text(5);
  m.envelope = st.text(6);
  m.bodystructure = st.text(7);
  return m;
}

}  // namespace postamt::store::index
