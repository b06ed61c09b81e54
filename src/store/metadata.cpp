// METADATA rows (see metadata.hpp; RFC 5464 §4.1 limits, deletion and INBOX rename, §4.3 all or
// nothing) and the SqliteStore's METADATA operations.
#include "store/metadata.hpp"

#include <algorithm>
#include <string>

#include "store/account_index.hpp"
#include "store/mailbox_names.hpp"
#include "store/sqlite_store_impl.hpp"

namespace postamt::store {
namespace metadata {
namespace {
// user '' = a /shared entry; mailbox_id 0 = the server. A deleted mailbox loses its entries (§4.1);
// RENAME keeps the id, so they follow the mailbox.
const std::string kIndexMigration1 = std::string(kTableSql) + R"sql(
CREATE TRIGGER metadata_mailbox_delete AFTER DELETE ON mailboxes BEGIN
  DELETE FROM metadata WHERE mailbox_id = OLD.id;
END;
)sql";

bool is_private(std::string_view name) { return name.starts_with("/private/"); }

std::size_t count(sqlite::Database& db, std::int64_t mailbox_id, const std::string& owner) {
  auto st = db.prepare("SELECT count(*) FROM metadata WHERE mailbox_id = ? AND user = ?");
  st.bind(1, mailbox_id).bind(2, owner);
  return st.step() ? static_cast<std::size_t>(st.int64(0)) : 0;
}
}  // namespace

void migrate(sqlite::Database& db) {
  const sqlite::Migration migrations[] = {{1, kIndexMigration1}};
  sqlite::migrate(db, "metadata", migrations);
}

std::vector<Entry> read(sqlite::Database& db, std::int64_t mailbox_id, std::string_view user) {
  auto st = db.prepare("SELECT name, value FROM metadata WHERE mailbox_id = ? AND (user = '' OR user = ?) ORDER BY name");
  st.bind(1, mailbox_id).bind(2, user);
  std::vector<Entry> out;
  while (st.step()) {
    auto blob = st.blob(1);
    out.push_back({st.text(0), std::string(blob.begin(), blob.end())});
  }
  return out;
}

void write(sqlite::Database& db, std::int64_t mailbox_id, std::string_view user, std::span<const Change> changes) {
  const std::string private_owner(user);
  const std::size_t shared_before = count(db, mailbox_id, ""), private_before = count(db, mailbox_id, private_owner);
  for (const auto& c : changes) {
    const std::string& owner = is_private(c.name) ? private_owner : std::string();
    if (!c.value) {
      db.prepare("DELETE FROM metadata WHERE mailbox_id = ? AND user = ? AND name = ?")
          .bind(1, mailbox_id).bind(2, owner).bind(3, c.name).run();
      continue;
    }
    if (c.value->size() > kMaxValueSize) throw TooBig(kMaxValueSize);  // §4.3 [METADATA MAXSIZE]
    auto bytes = std::span(reinterpret_cast<const unsigned char*>(c.value->data()), c.value->size());
    db.prepare("INSERT INTO metadata(mailbox_id, user, name, value) VALUES(?, ?, ?, ?) "
               "ON CONFLICT(mailbox_id, user, name) DO UPDATE SET value = excluded.value")
        .bind(1, mailbox_id).bind(2, owner).bind(3, c.name).bind_blob(4, bytes).run();
  }
  // §4.3 [METADATA TOOMANY]: refused when the command adds entries beyond the limit (a store already
  // over a lowered limit may still replace and remove). Counted inside the caller's transaction.
  for (const auto& [owner, before] : {std::pair{std::string(), shared_before}, std::pair{private_owner, private_before}}) {
    auto after = count(db, mailbox_id, owner);
    if (after > kMaxEntries && after > before) throw TooMany();
  }
}

void copy(sqlite::Database& db, std::int64_t from_mailbox, std::int64_t to_mailbox) {
  db.prepare("INSERT OR REPLACE INTO metadata(mailbox_id, user, name, value) "
             "SELECT ?, user, name, value FROM metadata WHERE mailbox_id = ?")
      .bind(1, to_mailbox).bind(2, from_mailbox).run();
}

}  // namespace metadata

namespace {
constexpr std::int64_t kServer = 0;  // mailbox_id of the server entries

std::vector<metadata::Change> of_scope(std::span<const metadata::Change> changes, bool want_private) {
  std::vector<metadata::Change> out;
  for (const auto& c : changes)
    if (c.name.starts_with("/private/") == want_private) out.push_back(c);
  return out;
}

// A view of the entries ordered by name (two sources merged for the server).
void sort_by_name(std::vector<metadata::Entry>& entries) {
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
}
}  // namespace

std::vector<metadata::Entry> SqliteStore::metadata(AccountId account, std::string_view mailbox, std::string_view user) {
  std::vector<metadata::Entry> out;
  {
    auto d = db(account);
    std::int64_t id = kServer;
    if (!mailbox.empty()) id = index::require_mailbox(*d, lookup_name(mailbox)).id;
    out = metadata::read(*d, id, user);
  }
  if (mailbox.empty()) {
    std::lock_guard lock(shares_mu_);
    auto shared = metadata::read(shares(), kServer, "");
    out.insert(out.end(), shared.begin(), shared.end());
    sort_by_name(out);
  }
  return out;
}

void SqliteStore::set_metadata(AccountId account, std::string_view mailbox, std::string_view user,
                               std::span<const metadata::Change> changes) {
  auto d = db(account);
  sqlite::Transaction tx(*d);
  if (!mailbox.empty()) {
    auto row = index::require_mailbox(*d, lookup_name(mailbox));
    metadata::write(*d, row.id, user, changes);
    tx.commit();
    return;
  }
  // The server: the user's /private entries in the user's own index, /shared ones in the registry.
  // Both transactions stay open until both writes succeeded (lock order: account, then shares_mu_).
  metadata::write(*d, kServer, user, of_scope(changes, true));
  auto shared = of_scope(changes, false);
  if (!shared.empty()) {
    std::lock_guard lock(shares_mu_);
    auto& reg = shares();
    sqlite::Transaction shares_tx(reg);
    metadata::write(reg, kServer, "", shared);
    shares_tx.commit();
  }
  tx.commit();
}

}  // namespace postamt::store
