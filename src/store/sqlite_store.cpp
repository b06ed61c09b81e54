// SQLite MailStore backend: accounts, mailboxes, message listing, flags and expunge (DESIGN.md
// "Storage"). Each write is one BEGIN IMMEDIATE transaction on the account's index; Changes are
// reported only after the commit.
#include "store/sqlite_store.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <system_error>

#include "common/fs.hpp"
#include "common/log.hpp"
#include "store/account_index.hpp"
#include "store/acl.hpp"
#include "store/flags.hpp"
#include "store/mailbox_names.hpp"
#include "store/metadata.hpp"
#include "store/sqlite_store_impl.hpp"

namespace postamt::store {
namespace {
constexpr std::size_t kMaxOpenIndexes = 64;

struct DefaultMailbox {
  std::string_view name, special_use;
};
// RFC 6154 §2 special-use mailboxes every new account gets.
constexpr DefaultMailbox kDefaultMailboxes[] = {
    {"INBOX", ""}, {"Drafts", "\\Drafts"}, {"Sent", "\\Sent"},
    {"Trash", "\\Trash"}, {"Junk", "\\Junk"}, {"Archive", "\\Archive"},
};

MailboxInfo make_info(sqlite::Database& db, const index::MailboxRow& row) {
  MailboxInfo info{row.id, row.name, row.uidvalidity, row.uidnext, row.highestmodseq, row.special_use,
                   row.subscribed, 0, 0, 0, 0};
  auto st = db.prepare(
      "SELECT count(*), coalesce(sum(instr(' ' || flags || ' ', ' \\Seen ') = 0), 0), "
      "coalesce(sum(uid >= ?), 0), coalesce(sum(size), 0) FROM messages WHERE mailbox_id = ?");
  st.bind(1, row.first_recent_uid).bind(2, row.id);
  if (st.step()) {
    info.messages = static_cast<std::uint32_t>(st.int64(0));
    info.unseen = static_cast<std::uint32_t>(st.int64(1));
    info.recent = static_cast<std::uint32_t>(st.int64(2));
    info.size = static_cast<std::uint64_t>(st.int64(3));
  }
  return info;
}

}  // namespace

MailboxInfo mailbox_info(sqlite::Database& db, const index::MailboxRow& row) { return make_info(db, row); }

namespace {
Change mailbox_change(Change::Kind kind, AccountId account, std::string name, std::string new_name = {}) {
  auto c = make_change(kind, account, std::move(name));
  c.new_name = std::move(new_name);
  return c;
}
}  // namespace

std::unique_ptr<MailStore> open_sqlite_store(const std::filesystem::path& data_dir, StoreOptions options) {
  return std::make_unique<SqliteStore>(data_dir, std::move(options));
}

SqliteStore::AccountDb SqliteStore::db(AccountId account) {
  std::shared_ptr<OpenIndex> index;
  {
    std::lock_guard lock(mutex_);
    if (auto it = dbs_.find(account); it != dbs_.end()) {
      index = it->second;
    } else {
      auto path = layout_.index_path(account);
      if (::access(path.c_str(), F_OK) != 0) throw NoSuchAccount("no such account " + std::to_string(account));
      index = std::make_shared<OpenIndex>(sqlite::Database::open(path.string(), false));
      index::migrate(index->db);
      if (dbs_.size() >= kMaxOpenIndexes) dbs_.erase(dbs_.begin());  // users keep their shared_ptr alive
      dbs_.emplace(account, index);
    }
  }
  return AccountDb(std::move(index));  // locks outside mutex_, so waiting here never blocks other accounts
}

void SqliteStore::forget(AccountId account) {
  std::lock_guard lock(mutex_);
  dbs_.erase(account);
}

void SqliteStore::create_account(AccountId account) {
  postamt::fs::create_directories(layout_.accounts_dir(), 0700);
  postamt::fs::create_directories(layout_.blobs_dir(account), 0700);
  postamt::fs::create_directories(layout_.tmp_dir(), 0700);
  postamt::fs::fsync_directory(layout_.account_dir(account));
  postamt::fs::fsync_directory(layout_.accounts_dir());
  postamt::fs::fsync_directory(layout_.data_dir());
  {
    // Creating the index file: Database::open(create) then migrate; db() caches it afterwards.
    auto created = sqlite::Database::open(layout_.index_path(account).string(), true);
    index::migrate(created);
  }
  if (account == kPublicAccount) return;  // public folders: only those the admins create
  auto d = db(account);
  sqlite::Transaction tx(*d);
  for (const auto& m : kDefaultMailboxes)
    if (!index::find_mailbox(*d, m.name)) index::insert_mailbox(*d, m.name, m.special_use, true);
  tx.commit();
}

void SqliteStore::delete_account(AccountId account) {
  forget(account);
  sync_shares(account, {});  // its mailboxes are no longer shared with anyone
  auto dir = layout_.account_dir(account);
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return;
  // Move it aside first so a half-finished removal never looks like a live account.
  postamt::fs::create_directories(layout_.tmp_dir(), 0700);
  auto aside = unique_name(layout_.tmp_dir(), "deleted-account-" + std::to_string(account) + "-");
  std::filesystem::rename(dir, aside);
  postamt::fs::fsync_directory(layout_.accounts_dir());
  std::filesystem::remove_all(aside, ec);
  if (ec) log::warn("store_account_cleanup_failed", {{"path", aside.string()}, {"error", ec.message()}});
}

std::vector<MailboxInfo> SqliteStore::list_mailboxes(AccountId account) {
  auto d = db(account);
  std::vector<MailboxInfo> out;
  for (const auto& row : index::all_mailboxes(*d)) out.push_back(make_info(*d, row));
  return out;
}

std::optional<MailboxInfo> SqliteStore::mailbox(AccountId account, std::string_view name) {
  auto d = db(account);
  auto row = index::find_mailbox(*d, lookup_name(name));
  if (!row) return std::nullopt;
  return make_info(*d, *row);
}

void SqliteStore::create_mailbox(AccountId account, std::string_view name, std::string_view special_use,
                                 Changes& out) {
  auto canonical = valid_new_name(name);
  auto use = valid_special_use(special_use);
  auto d = db(account);
  sqlite::Transaction tx(*d);
  if (index::find_mailbox(*d, canonical)) throw MailboxExists("mailbox '" + canonical + "' already exists");
  Changes changes;
  // RFC 9051 §6.3.4: create the superior names the new name needs.
  // RFC 4314 §4 CREATE: a new mailbox SHOULD inherit the ACL of its nearest existing parent.
  std::vector<AclEntry> inherited;
  const auto sups = superiors(canonical);
  for (auto it = sups.rbegin(); it != sups.rend(); ++it)
    if (auto parent = index::find_mailbox(*d, *it)) {
      inherited = acl::read(*d, parent->id);
      break;
    }
  for (const auto& sup : sups) {
    if (index::find_mailbox(*d, sup)) continue;
    auto id = index::insert_mailbox(*d, sup, "", false);
    for (const auto& e : inherited) acl::write(*d, id, e.identifier, e.rights);
    changes.push_back(mailbox_change(Change::Kind::MailboxCreated, account, sup));
  }
  auto id = index::insert_mailbox(*d, canonical, use, false);
  for (const auto& e : inherited) acl::write(*d, id, e.identifier, e.rights);
  changes.push_back(mailbox_change(Change::Kind::MailboxCreated, account, canonical));
  tx.commit();
  out.insert(out.end(), changes.begin(), changes.end());
}

void SqliteStore::stage_unreferenced(sqlite::Database& d, AccountId account, const std::vector<std::string>& blobs,
                                     BlobRemoval& removal) {
  auto sorted = blobs;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  for (const auto& b : sorted)
    if (is_sha256_hex(b) && !index::blob_referenced(d, b)) removal.stage(layout_.blob_path(account, b));
}

void SqliteStore::delete_mailbox(AccountId account, std::string_view name, Changes& out) {
  auto canonical = lookup_name(name);
  if (is_inbox(canonical)) throw Error("INBOX cannot be deleted");  // RFC 9051 §6.3.5
  auto d = db(account);
  BlobRemoval removal(layout_.tmp_dir());
  sqlite::Transaction tx(*d);
  auto row = index::require_mailbox(*d, canonical);
  std::vector<std::string> blobs;
  {
    auto st = d->prepare("DELETE FROM messages WHERE mailbox_id = ? RETURNING blob");
    st.bind(1, row.id);
    while (st.step()) blobs.push_back(st.text(0));
  }
  d->prepare("DELETE FROM mailboxes WHERE id = ?").bind(1, row.id).run();  // cascades to expunged
  stage_unreferenced(*d, account, blobs, removal);
  tx.commit();
  removal.finish();
  out.push_back(mailbox_change(Change::Kind::MailboxDeleted, account, canonical));
}

void SqliteStore::rename_mailbox(AccountId account, std::string_view from, std::string_view to, Changes& out) {
  auto old_name = lookup_name(from);
  auto new_name = valid_new_name(to);
  auto d = db(account);
  sqlite::Transaction tx(*d);
  auto row = index::require_mailbox(*d, old_name);
  if (index::find_mailbox(*d, new_name)) throw MailboxExists("mailbox '" + new_name + "' already exists");
  if (new_name.size() > old_name.size() && new_name.compare(0, old_name.size(), old_name) == 0 &&
      new_name[old_name.size()] == kHierarchyDelimiter)
    throw Error("cannot rename a mailbox into its own hierarchy");
  Changes changes;
  for (const auto& sup : superiors(new_name)) {
    if (index::find_mailbox(*d, sup)) continue;
    index::insert_mailbox(*d, sup, "", false);
    changes.push_back(mailbox_change(Change::Kind::MailboxCreated, account, sup));
  }
  if (is_inbox(old_name)) {
    // RFC 9051 §6.3.6: renaming INBOX moves all its messages to a new mailbox and leaves INBOX empty;
    // INBOX's inferior names are unaffected. For INBOX the messages are gone (expunged, VANISHED).
    auto id = index::insert_mailbox(*d, new_name, "", row.subscribed);
    d->prepare("UPDATE mailboxes SET uidnext = ?, highestmodseq = ? WHERE id = ?")
        .bind(1, row.uidnext)
        .bind(2, row.highestmodseq)
        .bind(3, id)
        .run();
    std::vector<std::uint32_t> uids;
    {
      auto st = d->prepare("SELECT uid FROM messages WHERE mailbox_id = ? ORDER BY uid");
      st.bind(1, row.id);
      while (st.step()) uids.push_back(static_cast<std::uint32_t>(st.int64(0)));
    }
    metadata::copy(*d, row.id, id);  // RFC 5464 §4.1: the new mailbox gets INBOX's entries, INBOX keeps them
    changes.push_back(mailbox_change(Change::Kind::MailboxCreated, account, new_name));
    if (!uids.empty()) {
      auto modseq = index::next_modseq(*d, row.id);
      d->prepare("INSERT OR REPLACE INTO expunged(mailbox_id, uid, modseq) SELECT ?, uid, ? FROM messages WHERE mailbox_id = ?")
          .bind(1, row.id)
          .bind(2, modseq)
          .bind(3, row.id)
          .run();
      d->prepare("UPDATE messages SET mailbox_id = ? WHERE mailbox_id = ?").bind(1, id).bind(2, row.id).run();
      for (auto uid : uids) {
        changes.push_back(make_change(Change::Kind::Expunged, account, "INBOX", uid, modseq));
      }
    }
  } else {
    // RFC 9051 §6.3.6: inferior hierarchical names are renamed too.
    std::vector<std::pair<std::int64_t, std::string>> renamed{{row.id, old_name}};
    {
      auto st = d->prepare("SELECT id, name FROM mailboxes WHERE substr(name, 1, ?) = ? ORDER BY name");
      st.bind(1, static_cast<std::int64_t>(old_name.size() + 1)).bind(2, old_name + kHierarchyDelimiter);
      while (st.step()) renamed.emplace_back(st.int64(0), st.text(1));
    }
    auto upd = d->prepare("UPDATE mailboxes SET name = ? WHERE id = ?");
    for (const auto& [id, name] : renamed) {
      auto target = new_name + name.substr(old_name.size());
      if (target != new_name && index::find_mailbox(*d, target))
        throw MailboxExists("mailbox '" + target + "' already exists");
      upd.reset();
      upd.bind(1, target).bind(2, id).run();
      changes.push_back(mailbox_change(Change::Kind::MailboxRenamed, account, name, target));
    }
  }
  tx.commit();
  out.insert(out.end(), changes.begin(), changes.end());
}

std::vector<MessageInfo> SqliteStore::messages(AccountId account, std::string_view mailbox) {
  auto d = db(account);
  auto row = index::require_mailbox(*d, lookup_name(mailbox));
  auto st = d->prepare("SELECT " + std::string(index::kMessageColumns) +
                       " FROM messages WHERE mailbox_id = ? ORDER BY uid");
  st.bind(1, row.id);
  std::vector<MessageInfo> out;
  while (st.step()) out.push_back(index::read_message_row(st));
  return out;
}

std::filesystem::path SqliteStore::message_path(AccountId account, const MessageInfo& m) {
  if (!is_sha256_hex(m.blob)) throw Error("invalid blob name '" + m.blob + "'");
  return layout_.blob_path(account, m.blob);
}

std::string SqliteStore::read_message(AccountId account, const MessageInfo& m) {
  auto path = message_path(account, m);
  std::string data;
  try {
    data = postamt::fs::read_file(path);
  } catch (const std::system_error& e) {
    throw Error("message file of uid " + std::to_string(m.uid) + " unreadable (run `postamt fsck`): " + e.what());
  }
  if (data.size() != m.size)
    throw Error("message file " + path.string() + " has " + std::to_string(data.size()) + " octets, expected " +
                std::to_string(m.size) + " (run `postamt fsck`)");
  return data;
}

void SqliteStore::store_flags(AccountId account, std::string_view mailbox, std::span<const std::uint32_t> uids,
                              std::span<const std::string> flags, FlagMode mode, Changes& out) {
  auto change = normalize_flags(flags);
  auto op = mode == FlagMode::Add ? FlagOp::Add : mode == FlagMode::Remove ? FlagOp::Remove : FlagOp::Replace;
  auto name = lookup_name(mailbox);
  auto d = db(account);
  sqlite::Transaction tx(*d);
  auto row = index::require_mailbox(*d, name);
  auto get = d->prepare("SELECT flags FROM messages WHERE mailbox_id = ? AND uid = ?");
  auto set = d->prepare("UPDATE messages SET flags = ?, modseq = ? WHERE mailbox_id = ? AND uid = ?");
  std::uint64_t modseq = 0;  // RFC 7162 §3.1: one new modseq for this STORE, only if something changed
  Changes changes;
  auto sorted = std::vector<std::uint32_t>(uids.begin(), uids.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  for (auto uid : sorted) {
    get.reset();
    get.bind(1, row.id).bind(2, uid);
    if (!get.step()) continue;
    auto current = split_flags(get.text(0));
    auto next = apply_flags(current, change, op);
    if (next == current) continue;
    if (modseq == 0) modseq = index::next_modseq(*d, row.id);
    set.reset();
    set.bind(1, join_flags(next)).bind(2, modseq).bind(3, row.id).bind(4, uid).run();
    auto c = make_change(Change::Kind::FlagsChanged, account, name, uid, modseq);
    c.flags = std::move(next);
    changes.push_back(std::move(c));
  }
  tx.commit();
  out.insert(out.end(), changes.begin(), changes.end());
}

void SqliteStore::expunge(AccountId account, std::string_view mailbox, std::span<const std::uint32_t> uids,
                          Changes& out) {
  auto name = lookup_name(mailbox);
  auto d = db(account);
  BlobRemoval removal(layout_.tmp_dir());
  sqlite::Transaction tx(*d);
  auto row = index::require_mailbox(*d, name);
  auto modseq = index::next_modseq(*d, row.id);
  auto removed = index::remove_messages(*d, row.id, uids, modseq);
  if (removed.empty()) return;  // rolls back the modseq bump: nothing changed
  std::vector<std::string> blobs;
  for (const auto& r : removed) blobs.push_back(r.blob);
  // The files go while the write lock is held, so no concurrent delivery can start reusing them.
  stage_unreferenced(*d, account, blobs, removal);
  tx.commit();
  removal.finish();
  for (const auto& r : removed) out.push_back(make_change(Change::Kind::Expunged, account, name, r.uid, modseq));
}

std::uint64_t SqliteStore::change_stamp(AccountId account) {
  // In WAL mode every commit appends to index.sqlite-wal (a checkpoint rewrites index.sqlite, and a
  // new WAL after it starts over with a new modification time), so the pair of stats moves on any
  // write by any process.
  std::uint64_t stamp = 1469598103934665603ull;  // FNV-1a over the fields
  auto mix = [&stamp](std::uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      stamp ^= (v >> (8 * i)) & 0xff;
      stamp *= 1099511628211ull;
    }
  };
  const auto index = layout_.index_path(account);
  bool any = false;
  for (const std::string& path : {index.string(), index.string() + "-wal"}) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      mix(0);
      continue;
    }
    any = true;
    mix(static_cast<std::uint64_t>(st.st_size));
    mix(static_cast<std::uint64_t>(st.st_mtim.tv_sec));
    mix(static_cast<std::uint64_t>(st.st_mtim.tv_nsec));
    mix(static_cast<std::uint64_t>(st.st_ino));
  }
  return any ? (stamp | 1) : 0;
}

void SqliteStore::set_subscribed(AccountId account, std::string_view mailbox, bool subscribed) {
  auto d = db(account);
  sqlite::Transaction tx(*d);
  auto row = index::require_mailbox(*d, lookup_name(mailbox));
  d->prepare("UPDATE mailboxes SET subscribed = ? WHERE id = ?").bind(1, subscribed ? 1 : 0).bind(2, row.id).run();
  tx.commit();
}

void SqliteStore::set_foreign_subscribed(AccountId account, std::string_view name, bool subscribed) {
  auto d = db(account);
  sqlite::Transaction tx(*d);
  if (!subscribed) {
    d->prepare("DELETE FROM foreign_subscriptions WHERE name = ?").bind(1, name).run();
  } else {
    auto count = d->prepare("SELECT count(*) FROM foreign_subscriptions");
    if (count.step() && count.int64(0) >= static_cast<std::int64_t>(kMaxForeignSubscriptions))
      throw Error("too many subscriptions to other users' and public folders");
    d->prepare("INSERT OR IGNORE INTO foreign_subscriptions(name) VALUES(?)").bind(1, name).run();
  }
  tx.commit();
}

std::vector<std::string> SqliteStore::foreign_subscriptions(AccountId account) {
  auto d = db(account);
  auto st = d->prepare("SELECT name FROM foreign_subscriptions ORDER BY name");
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  return out;
}

std::vector<std::uint32_t> SqliteStore::expunged_since(AccountId account, std::string_view mailbox,
                                                       std::uint64_t modseq) {
  auto d = db(account);
  auto row = index::require_mailbox(*d, lookup_name(mailbox));
  auto st = d->prepare("SELECT uid FROM expunged WHERE mailbox_id = ? AND modseq > ? ORDER BY uid");
  st.bind(1, row.id).bind(2, modseq);
  std::vector<std::uint32_t> out;
  while (st.step()) out.push_back(static_cast<std::uint32_t>(st.int64(0)));
  return out;
}

std::vector<std::uint32_t> SqliteStore::claim_recent(AccountId account, std::string_view mailbox) {
  auto d = db(account);
  sqlite::Transaction tx(*d);
  auto row = index::require_mailbox(*d, lookup_name(mailbox));
  auto st = d->prepare("SELECT uid FROM messages WHERE mailbox_id = ? AND uid >= ? ORDER BY uid");
  st.bind(1, row.id).bind(2, row.first_recent_uid);
  std::vector<std::uint32_t> out;
  while (st.step()) out.push_back(static_cast<std::uint32_t>(st.int64(0)));
  d->prepare("UPDATE mailboxes SET first_recent_uid = uidnext WHERE id = ?").bind(1, row.id).run();
  tx.commit();
  return out;
}

}  // namespace postamt::store
