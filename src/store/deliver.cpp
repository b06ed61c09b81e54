// Delivery into the SQLite store (DESIGN.md "Durability"): the message is written once into DATA/tmp
// and fsync'd, hard-linked into every target account's blob directory (reusing a blob the account
// already has), every directory that gained an entry is fsync'd, and only then are the index rows
// committed, one transaction per account. Any failure undoes everything: nothing half-delivered stays.
// deliver_batch does the same for several messages at once (group commit): one directory fsync and one
// index commit per account for the whole batch.
#include <algorithm>
#include <optional>

#include <unistd.h>

#include "common/log.hpp"
#include "store/account_index.hpp"
#include "store/flags.hpp"
#include "store/mailbox_names.hpp"
#include "store/quota.hpp"
#include "store/sqlite_store_impl.hpp"

namespace postamt::store {
namespace {
struct Placement {
  std::size_t item;     // index into the batch
  const Target* target;
  std::vector<std::string> flags;
  std::string mailbox;  // after the INBOX fallback
  std::uint32_t uid = 0;
  std::uint64_t modseq = 0;
  std::int64_t mailbox_id = 0;
  std::string over_quota;  // refused: the resource the copy would exceed (RFC 9208)
};

struct BlobLink {
  std::string sha;
  std::filesystem::path path;
  bool created_file = false;
};

struct AccountWork {
  AccountId account;
  std::optional<SqliteStore::AccountDb> db;
  std::unique_ptr<sqlite::Transaction> tx;
  std::vector<Placement> placements;
  std::vector<BlobLink> blobs;  // one per distinct message of the batch placed in this account
  bool committed = false;
};

struct ItemFile {
  std::string sha;
  std::uint64_t size = 0;
  std::unique_ptr<TempFile> temp;
};
}  // namespace

std::vector<Stored> SqliteStore::deliver(std::string_view message, const NewMessage& meta,
                                         std::span<const Target> targets, Changes& out) {
  BatchItem item{message, &meta, targets};
  auto result = deliver_batch(std::span<const BatchItem>(&item, 1), out, QuotaMode::RefuseCopy);
  return result.empty() ? std::vector<Stored>{} : std::move(result.front());
}

std::vector<std::vector<Stored>> SqliteStore::deliver_batch(std::span<const BatchItem> items, Changes& out,
                                                            QuotaMode quota_mode) {
  std::vector<std::vector<Stored>> results(items.size());
  // Validate everything that can be refused before touching any file.
  std::vector<AccountWork> work;
  for (std::size_t i = 0; i < items.size(); ++i) {
    for (const auto& t : items[i].targets) {
      auto it = std::find_if(work.begin(), work.end(), [&](const AccountWork& w) { return w.account == t.account; });
      if (it == work.end()) it = work.insert(work.end(), AccountWork{t.account, std::nullopt, {}, {}, {}, false});
      it->placements.push_back(Placement{i, &t, normalize_flags(t.flags), {}, 0, 0, 0, {}});
    }
  }
  if (work.empty()) return results;
  // Lock order: ascending account id, so concurrent multi-account deliveries cannot deadlock.
  std::sort(work.begin(), work.end(), [](const AccountWork& a, const AccountWork& b) { return a.account < b.account; });
  for (auto& w : work) w.db.emplace(db(w.account));  // ascending: no lock-order deadlock

  // Each message written once into DATA/tmp and fsync'd; unlinked when this function returns.
  std::vector<ItemFile> files(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].targets.empty()) continue;
    files[i].sha = sha256_hex(items[i].message);
    files[i].size = static_cast<std::uint64_t>(items[i].message.size());
    files[i].temp = std::make_unique<TempFile>(layout_.tmp_dir(), "deliver-", items[i].message);
  }

  auto undo = [&] {
    for (auto& w : work) {
      if (!w.committed) {
        // Still holding this account's write lock: no one can have started to use our new files.
        for (const auto& b : w.blobs)
          if (b.created_file) ::unlink(b.path.c_str());
        w.tx.reset();  // ROLLBACK
        continue;
      }
      // Committed already: take the rows back out as an expunge (they may have been seen, RFC 7162).
      try {
        BlobRemoval removal(layout_.tmp_dir());
        sqlite::Transaction tx(**w.db);
        std::vector<std::string> shas;
        for (const auto& p : w.placements) {
          if (!p.over_quota.empty()) continue;
          auto modseq = index::next_modseq(**w.db, p.mailbox_id);
          std::uint32_t uid[] = {p.uid};
          index::remove_messages(**w.db, p.mailbox_id, uid, modseq);
        }
        for (const auto& b : w.blobs) shas.push_back(b.sha);
        stage_unreferenced(**w.db, w.account, shas, removal);
        tx.commit();
        removal.finish();
      } catch (const std::exception& e) {
        log::error("store_deliver_undo_failed", {{"account", w.account}, {"error", e.what()}});
      }
    }
  };

  try {
    for (auto& w : work) w.tx = std::make_unique<sqlite::Transaction>(**w.db);  // BEGIN IMMEDIATE: the account's write lock
    // Quota, decided under the write lock so concurrent deliveries cannot both take the last space:
    // an item's copies in one account fit together or are all refused (RFC 9208 §3.1 hard limits).
    for (auto& w : work) {
      auto usage = quota::read_usage(**w.db);
      const auto limits = limits_of(**w.db);
      for (std::size_t b = 0; b < w.placements.size();) {
        std::size_t e = b;
        while (e < w.placements.size() && w.placements[e].item == w.placements[b].item) ++e;
        const std::uint64_t copies = e - b, bytes = copies * files[w.placements[b].item].size;
        auto resource = quota_mode == QuotaMode::Ignore ? std::nullopt : quota::exceeded(usage, limits, bytes, copies);
        if (resource) {
          if (quota_mode == QuotaMode::RefuseBatch) throw QuotaExceeded(w.account, *resource);
          for (auto i = b; i < e; ++i) w.placements[i].over_quota = *resource;
        } else {
          usage.storage_bytes += bytes;
          usage.messages += copies;
        }
        b = e;
      }
    }
    std::vector<std::filesystem::path> dirs;
    for (auto& w : work) {
      for (const auto& p : w.placements) {
        if (!p.over_quota.empty()) continue;
        const auto& f = files[p.item];
        if (std::any_of(w.blobs.begin(), w.blobs.end(), [&](const BlobLink& b) { return b.sha == f.sha; })) continue;
        BlobLink link{f.sha, layout_.blob_path(w.account, f.sha), false};
        link.created_file = link_blob(f.temp->path(), link.path, f.size, dirs);
        w.blobs.push_back(std::move(link));
      }
    }
    fsync_directories(std::move(dirs));  // once for the whole batch
    for (auto& w : work) {
      auto insert = (*w.db)->prepare(
          "INSERT INTO messages(mailbox_id, uid, modseq, internal_date, size, blob, flags, envelope, bodystructure) "
          "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
      for (auto& p : w.placements) {
        if (!p.over_quota.empty()) continue;
        const auto& meta = *items[p.item].meta;
        const auto& f = files[p.item];
        auto row = index::find_mailbox(**w.db, lookup_name(p.target->mailbox));
        if (!row) row = index::require_mailbox(**w.db, "INBOX");  // contract: fall back to INBOX
        p.mailbox = row->name;
        p.mailbox_id = row->id;
        p.uid = index::take_uid(**w.db, row->id);
        p.modseq = index::next_modseq(**w.db, row->id);
        insert.reset();
        insert.bind(1, row->id).bind(2, p.uid).bind(3, p.modseq).bind(4, meta.internal_date).bind(5, f.size);
        insert.bind(6, f.sha).bind(7, join_flags(p.flags)).bind(8, meta.envelope).bind(9, meta.bodystructure);
        insert.run();
      }
    }
    for (auto& w : work) {
      w.tx->commit();  // one commit (one WAL fsync) per account for the whole batch
      w.committed = true;
    }
  } catch (...) {
    undo();
    throw;
  }

  for (const auto& w : work) {
    for (const auto& p : w.placements) {
      if (!p.over_quota.empty()) {
        results[p.item].push_back({w.account, p.target->mailbox, 0, 0, p.over_quota});
        continue;
      }
      results[p.item].push_back({w.account, p.mailbox, p.uid, p.modseq});
      auto c = make_change(Change::Kind::MessageAdded, w.account, p.mailbox, p.uid, p.modseq);
      c.flags = p.flags;
      out.push_back(std::move(c));
    }
  }
  return results;
}

}  // namespace postamt::store
