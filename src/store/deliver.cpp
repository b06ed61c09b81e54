// Delivery into the SQLite store (DESIGN.md "Durability"): the message is written once into DATA/tmp
// and fsync'd, hard-linked into every target account's blob directory (reusing a blob the account
// already has), every directory that gained an entry is fsync'd, and only then are the index rows
// committed, one transaction per account. Any failure undoes everything: nothing half-delivered stays.
#include <algorithm>
#include <optional>

#include <unistd.h>

#include "common/log.hpp"
#include "store/account_index.hpp"
#include "store/flags.hpp"
#include "store/mailbox_names.hpp"
#include "store/sqlite_store_impl.hpp"

namespace postamt::store {
namespace {
struct Placement {
  const Target* target;
  std::vector<std::string> flags;
  std::string mailbox;  // after the INBOX fallback
  std::uint32_t uid = 0;
  std::uint64_t modseq = 0;
  std::int64_t mailbox_id = 0;
};

struct AccountWork {
  AccountId account;
  std::shared_ptr<sqlite::Database> db;
  std::unique_ptr<sqlite::Transaction> tx;
  std::vector<Placement> placements;
  std::filesystem::path blob;
  bool created_file = false;
  bool committed = false;
};
}  // namespace

std::vector<Stored> SqliteStore::deliver(std::string_view message, const NewMessage& meta,
                                         std::span<const Target> targets, Changes& out) {
  if (targets.empty()) return {};
  // Validate everything that can be refused before touching any file.
  std::vector<AccountWork> work;
  for (const auto& t : targets) {
    auto it = std::find_if(work.begin(), work.end(), [&](const AccountWork& w) { return w.account == t.account; });
    if (it == work.end()) it = work.insert(work.end(), AccountWork{t.account, {}, {}, {}, {}, false, false});
    it->placements.push_back(Placement{&t, normalize_flags(t.flags), {}});
  }
  // Lock order: ascending account id, so concurrent multi-account deliveries cannot deadlock.
  std::sort(work.begin(), work.end(), [](const AccountWork& a, const AccountWork& b) { return a.account < b.account; });
  for (auto& w : work) w.db = db(w.account);

  const auto sha = sha256_hex(message);
  const auto size = static_cast<std::uint64_t>(message.size());
  TempFile temp(layout_.tmp_dir(), "deliver-", message);  // written and fsync'd; unlinked on return

  auto undo = [&] {
    for (auto& w : work) {
      if (!w.committed) {
        // Still holding this account's write lock: no one can have started to use our new file.
        if (w.created_file) ::unlink(w.blob.c_str());
        w.tx.reset();  // ROLLBACK
        continue;
      }
      // Committed already: take the rows back out as an expunge (they may have been seen, RFC 7162).
      try {
        BlobRemoval removal(layout_.tmp_dir());
        sqlite::Transaction tx(*w.db);
        for (const auto& p : w.placements) {
          auto modseq = index::next_modseq(*w.db, p.mailbox_id);
          std::uint32_t uid[] = {p.uid};
          index::remove_messages(*w.db, p.mailbox_id, uid, modseq);
        }
        stage_unreferenced(*w.db, w.account, {sha}, removal);
        tx.commit();
        removal.finish();
      } catch (const std::exception& e) {
        log::error("store_deliver_undo_failed", {{"account", w.account}, {"error", e.what()}});
      }
    }
  };

  try {
    for (auto& w : work) w.tx = std::make_unique<sqlite::Transaction>(*w.db);  // BEGIN IMMEDIATE: holds the account's write lock
    std::vector<std::filesystem::path> dirs;
    for (auto& w : work) {
      w.blob = layout_.blob_path(w.account, sha);
      w.created_file = link_blob(temp.path(), w.blob, size, dirs);
    }
    fsync_directories(std::move(dirs));
    for (auto& w : work) {
      auto insert = w.db->prepare(
          "INSERT INTO messages(mailbox_id, uid, modseq, internal_date, size, blob, flags, envelope, bodystructure) "
          "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
      for (auto& p : w.placements) {
        auto row = index::find_mailbox(*w.db, lookup_name(p.target->mailbox));
        if (!row) row = index::require_mailbox(*w.db, "INBOX");  // contract: fall back to INBOX
        p.mailbox = row->name;
        p.mailbox_id = row->id;
        p.uid = index::take_uid(*w.db, row->id);
        p.modseq = index::next_modseq(*w.db, row->id);
        insert.reset();
        insert.bind(1, row->id).bind(2, p.uid).bind(3, p.modseq).bind(4, meta.internal_date).bind(5, size);
        insert.bind(6, sha).bind(7, join_flags(p.flags)).bind(8, meta.envelope).bind(9, meta.bodystructure);
        insert.run();
      }
    }
    for (auto& w : work) {
      w.tx->commit();
      w.committed = true;
    }
  } catch (...) {
    undo();
    throw;
  }

  std::vector<Stored> stored;
  for (const auto& w : work) {
    for (const auto& p : w.placements) {
      stored.push_back({w.account, p.mailbox, p.uid, p.modseq});
      auto c = make_change(Change::Kind::MessageAdded, w.account, p.mailbox, p.uid, p.modseq);
      c.flags = p.flags;
      out.push_back(std::move(c));
    }
  }
  return stored;
}

}  // namespace postamt::store
