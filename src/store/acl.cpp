// ACL rights strings and rows (see acl.hpp; RFC 4314 §2, §2.1.1, §3.1), and the SqliteStore's ACL
// operations with the shares registry DATA/shares.sqlite (which accounts granted rights to whom: a
// superset kept for the "Other Users" namespace; the account indexes stay the truth). The registry
// also holds the server's /shared METADATA entries (its migration 2, used by metadata.cpp).
#include "store/acl.hpp"

#include <algorithm>

#include "store/account_index.hpp"
#include "store/mailbox_names.hpp"
#include "store/metadata.hpp"
#include "store/sqlite_store_impl.hpp"

namespace postamt::store {
namespace acl {

std::string canonical(std::string_view rights) {
  std::string out;
  for (char r : kAllRights)
    if (rights.find(r) != std::string_view::npos) out.push_back(r);
  return out;
}

std::optional<std::string> parse_rights(std::string_view text) {
  std::string expanded;
  for (char r : text) {
    if (r == 'c') expanded += "kx";       // RFC 4314 §2.1.1: "create" = k + x
    else if (r == 'd') expanded += "et";  // "delete" = e + t
    else if (kAllRights.find(r) != std::string_view::npos) expanded.push_back(r);
    else return std::nullopt;  // RFC 4314 §3.1: an unknown right is never ignored silently
  }
  return canonical(expanded);
}

std::string unite(std::string_view a, std::string_view b) { return canonical(std::string(a) + std::string(b)); }

std::string remove(std::string_view from, std::string_view rights) {
  std::string out;
  for (char r : canonical(from))
    if (rights.find(r) == std::string_view::npos) out.push_back(r);
  return out;
}

bool has(std::string_view rights, char right) { return rights.find(right) != std::string_view::npos; }

std::string with_virtual(std::string_view rights) {
  std::string out = canonical(rights);
  if (has(out, 'k') || has(out, 'x')) out.push_back('c');
  if (has(out, 'e') || has(out, 't')) out.push_back('d');
  return out;
}

std::vector<AclEntry> read(sqlite::Database& db, std::int64_t mailbox_id) {
  auto st = db.prepare("SELECT identifier, rights FROM acl WHERE mailbox_id = ? ORDER BY identifier");
  st.bind(1, mailbox_id);
  std::vector<AclEntry> out;
  while (st.step()) out.push_back({st.text(0), st.text(1)});
  return out;
}

void write(sqlite::Database& db, std::int64_t mailbox_id, std::string_view identifier, std::string_view rights) {
  if (rights.empty()) {
    db.prepare("DELETE FROM acl WHERE mailbox_id = ? AND identifier = ?").bind(1, mailbox_id).bind(2, identifier).run();
    return;
  }
  db.prepare(
        "INSERT INTO acl(mailbox_id, identifier, rights) VALUES(?, ?, ?) "
        "ON CONFLICT(mailbox_id, identifier) DO UPDATE SET rights = excluded.rights")
      .bind(1, mailbox_id)
      .bind(2, identifier)
      .bind(3, canonical(rights))
      .run();
}

std::string rights_of(sqlite::Database& db, std::int64_t mailbox_id, std::string_view identifier) {
  // RFC 4314 §2: the union of the identifier's and anyone's rights, less the negative entries
  // "-identifier" and "-anyone".
  auto st = db.prepare(
      "SELECT identifier, rights FROM acl WHERE mailbox_id = ? AND identifier IN (?, 'anyone', ?, '-anyone')");
  st.bind(1, mailbox_id).bind(2, identifier).bind(3, "-" + std::string(identifier));
  std::string granted, denied;
  while (st.step()) {
    if (st.text(0).starts_with('-')) denied = unite(denied, st.text(1));
    else granted = unite(granted, st.text(1));
  }
  return remove(granted, denied);
}

std::string owner_rights_of(sqlite::Database& db, std::int64_t mailbox_id) {
  auto st = db.prepare("SELECT rights FROM acl WHERE mailbox_id = ? AND identifier = ?");
  st.bind(1, mailbox_id).bind(2, kOwner);
  return st.step() ? unite(st.text(0), kOwnerImplicit) : std::string(kAllRights);
}

std::vector<std::string> identifiers(sqlite::Database& db) {
  auto st = db.prepare("SELECT DISTINCT identifier FROM acl ORDER BY identifier");
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  return out;
}

std::optional<RightsChange> parse_change(std::string_view text) {
  RightsChange change;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    change.mode = text.front();
    text.remove_prefix(1);
  }
  auto parsed = parse_rights(text);
  if (!parsed) return std::nullopt;
  change.rights = std::move(*parsed);
  return change;
}

void change(MailStore& store, std::int64_t account, std::string_view mailbox, std::string_view identifier, bool owner,
            const std::optional<RightsChange>& change) {
  const std::string id = owner ? std::string(kOwner) : std::string(identifier);
  std::string current = owner ? std::string(kAllRights) : "";
  for (const auto& e : store.acl(account, mailbox))
    if (e.identifier == id) current = owner ? unite(e.rights, kOwnerImplicit) : e.rights;
  std::string next = !change               ? (owner ? std::string(kAllRights) : "")
                     : change->mode == '+' ? unite(current, change->rights)
                     : change->mode == '-' ? remove(current, change->rights)
                                           : change->rights;
  if (owner) {
    next = unite(next, kOwnerImplicit);
    if (next == kAllRights) next.clear();  // unrestricted again: no entry
  }
  store.set_acl(account, mailbox, id, next);
}

std::vector<AclEntry> shown(MailStore& store, std::int64_t account, std::string_view mailbox, std::string_view owner) {
  auto entries = store.acl(account, mailbox);
  std::vector<AclEntry> out;
  if (!owner.empty()) {
    std::string rights(kAllRights);
    for (const auto& e : entries)
      if (e.identifier == kOwner) rights = unite(e.rights, kOwnerImplicit);
    out.push_back({std::string(owner), rights});
  }
  for (auto& e : entries)
    if (e.identifier != kOwner) out.push_back(std::move(e));
  return out;
}

}  // namespace acl

namespace {
constexpr sqlite::Migration kSharesMigrations[] = {
    {1, R"sql(
CREATE TABLE shares (
  owner INTEGER NOT NULL,
  identifier TEXT NOT NULL,
  PRIMARY KEY (owner, identifier)
) WITHOUT ROWID;
CREATE INDEX shares_identifier ON shares(identifier);
)sql"},
    // The /shared server METADATA entries (RFC 5464 §3.2.1.1), one copy for the server: metadata.hpp.
    {2, metadata::kTableSql},
};
}  // namespace

sqlite::Database& SqliteStore::shares() {
  // Callers hold shares_mu_.
  if (!shares_) {
    shares_ = std::make_unique<sqlite::Database>(sqlite::Database::open((layout_.data_dir() / "shares.sqlite").string()));
    sqlite::migrate(*shares_, "shares", kSharesMigrations);
  }
  return *shares_;
}

// Brings the registry in line with the account's ACL rows (called after every ACL change).
void SqliteStore::sync_shares(AccountId account, const std::vector<std::string>& identifiers) {
  std::lock_guard lock(shares_mu_);
  auto& d = shares();
  sqlite::Transaction tx(d);
  d.prepare("DELETE FROM shares WHERE owner = ?").bind(1, account).run();
  auto ins = d.prepare("INSERT INTO shares(owner, identifier) VALUES(?, ?)");
  for (const auto& id : identifiers) {
    ins.reset();
    ins.bind(1, account).bind(2, id).run();
  }
  tx.commit();
  restricted_version_ = -1;  // owner_restricted() reloads
}

std::vector<AclEntry> SqliteStore::acl(AccountId account, std::string_view mailbox) {
  auto d = db(account);
  auto row = index::require_mailbox(*d, lookup_name(mailbox));
  return acl::read(*d, row.id);
}

void SqliteStore::set_acl(AccountId account, std::string_view mailbox, std::string_view identifier,
                          std::string_view rights) {
  std::vector<std::string> ids;
  {
    auto d = db(account);
    sqlite::Transaction tx(*d);
    auto row = index::require_mailbox(*d, lookup_name(mailbox));
    acl::write(*d, row.id, identifier, rights);
    ids = acl::identifiers(*d);
    tx.commit();
  }
  sync_shares(account, ids);
}

std::optional<std::string> SqliteStore::rights(AccountId account, std::string_view mailbox,
                                               std::string_view identifier) {
  auto d = db(account);
  auto row = index::find_mailbox(*d, lookup_name(mailbox));
  if (!row) return std::nullopt;
  return acl::rights_of(*d, row->id, identifier);
}

std::optional<std::string> SqliteStore::owner_rights(AccountId account, std::string_view mailbox) {
  auto d = db(account);
  auto row = index::find_mailbox(*d, lookup_name(mailbox));
  if (!row) return std::nullopt;
  return acl::owner_rights_of(*d, row->id);
}

bool SqliteStore::owner_restricted(AccountId account) {
  std::lock_guard lock(shares_mu_);
  auto& d = shares();
  // PRAGMA data_version changes when another connection (another process: `postamt acl`) commits;
  // our own commits reset restricted_version_ in sync_shares().
  auto v = d.prepare("PRAGMA data_version");
  const std::int64_t version = v.step() ? v.int64(0) : -1;
  if (version != restricted_version_) {
    restricted_owners_.clear();
    auto st = d.prepare("SELECT owner FROM shares WHERE identifier = ?");
    st.bind(1, kOwner);
    while (st.step()) restricted_owners_.insert(st.int64(0));
    restricted_version_ = version;
  }
  return restricted_owners_.count(account) != 0;
}

std::vector<AccountId> SqliteStore::sharing_accounts(std::string_view identifier) {
  std::lock_guard lock(shares_mu_);
  auto st = shares().prepare("SELECT DISTINCT owner FROM shares WHERE identifier IN (?, 'anyone') ORDER BY owner");
  st.bind(1, identifier);
  std::vector<AccountId> out;
  while (st.step()) out.push_back(st.int64(0));
  return out;
}

std::vector<SharedMailbox> SqliteStore::shared_mailboxes(AccountId owner, std::string_view identifier) {
  std::vector<SharedMailbox> out;
  try {
    auto d = db(owner);
    for (const auto& row : index::all_mailboxes(*d)) {
      auto r = acl::rights_of(*d, row.id, identifier);
      if (!r.empty()) out.push_back({mailbox_info(*d, row), r});
    }
  } catch (const NoSuchAccount&) {
    // The registry is a superset: a deleted account simply has nothing to show.
  }
  return out;
}

}  // namespace postamt::store
