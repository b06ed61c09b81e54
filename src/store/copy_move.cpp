// COPY and MOVE inside one account (RFC 9051 §6.4.7, RFC 6851 §3): new index rows that point at the
// blob file the account already has (content addressed, so nothing is written or fsync'd but the
// index), flags / internal date / cached ENVELOPE and BODYSTRUCTURE copied; MOVE also expunges the
// sources in the same transaction.
#include <algorithm>

#include "store/account_index.hpp"
#include "store/flags.hpp"
#include "store/mailbox_names.hpp"
#include "store/quota.hpp"
#include "store/sqlite_store_impl.hpp"

namespace postamt::store {

std::vector<CopiedUid> SqliteStore::copy_messages(AccountId account, std::string_view from,
                                                  std::span<const std::uint32_t> uids, std::string_view to,
                                                  Changes& out) {
  return transfer(account, from, uids, to, false, out);
}

std::vector<CopiedUid> SqliteStore::move_messages(AccountId account, std::string_view from,
                                                  std::span<const std::uint32_t> uids, std::string_view to,
                                                  Changes& out) {
  return transfer(account, from, uids, to, true, out);
}

std::vector<CopiedUid> SqliteStore::transfer(AccountId account, std::string_view from,
                                             std::span<const std::uint32_t> uids, std::string_view to, bool move,
                                             Changes& out) {
  const auto from_name = lookup_name(from), to_name = lookup_name(to);
  auto d = db(account);
  sqlite::Transaction tx(*d);  // BEGIN IMMEDIATE: the account's write lock for the whole operation
  const auto src = index::require_mailbox(*d, from_name);
  const auto dst = index::require_mailbox(*d, to_name);
  if (move && src.id == dst.id) throw Error("cannot move messages into the mailbox they are in");
  std::vector<std::uint32_t> wanted(uids.begin(), uids.end());
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());

  auto flags_of = d->prepare("SELECT flags FROM messages WHERE mailbox_id = ? AND uid = ?");
  auto insert = d->prepare(
      "INSERT INTO messages(mailbox_id, uid, modseq, internal_date, size, blob, flags, envelope, bodystructure) "
      "SELECT ?, ?, ?, internal_date, size, blob, flags, envelope, bodystructure FROM messages "
      "WHERE mailbox_id = ? AND uid = ?");
  std::vector<CopiedUid> copied;
  Changes changes;
  for (auto uid : wanted) {
    flags_of.reset();
    flags_of.bind(1, src.id).bind(2, uid);
    if (!flags_of.step()) continue;  // unknown or already expunged
    auto flags = split_flags(flags_of.text(0));
    const auto new_uid = index::take_uid(*d, dst.id);
    const auto modseq = index::next_modseq(*d, dst.id);
    insert.reset();
    insert.bind(1, dst.id).bind(2, new_uid).bind(3, modseq).bind(4, src.id).bind(5, uid);
    insert.run();
    copied.push_back({uid, new_uid});
    auto c = make_change(Change::Kind::MessageAdded, account, dst.name, new_uid, modseq);
    c.flags = std::move(flags);
    changes.push_back(std::move(c));
  }
  // RFC 9208 §4.3.1: a COPY that would exceed the quota fails whole (the rows go with the rollback).
  // A MOVE within the account adds nothing in the end and is never refused.
  if (!move && !copied.empty()) {
    std::uint64_t bytes = 0;
    auto size_of = d->prepare("SELECT size FROM messages WHERE mailbox_id = ? AND uid = ?");
    for (const auto& c : copied) {
      size_of.reset();
      size_of.bind(1, dst.id).bind(2, c.dest);
      if (size_of.step()) bytes += static_cast<std::uint64_t>(size_of.int64(0));
    }
    auto usage = quota::read_usage(*d);
    usage.storage_bytes -= bytes;  // as it was before this copy
    usage.messages -= copied.size();
    if (auto resource = quota::exceeded(usage, limits_of(*d), bytes, copied.size()))
      throw QuotaExceeded(account, *resource);
  }
  if (move && !copied.empty()) {
    std::vector<std::uint32_t> sources;
    for (const auto& c : copied) sources.push_back(c.source);
    // RFC 7162 §3.2.10: the sources are remembered as expunged; their files stay (the new rows use them).
    const auto modseq = index::next_modseq(*d, src.id);
    for (const auto& r : index::remove_messages(*d, src.id, sources, modseq))
      changes.push_back(make_change(Change::Kind::Expunged, account, src.name, r.uid, modseq));
  }
  tx.commit();
  out.insert(out.end(), changes.begin(), changes.end());
  return copied;
}

}  // namespace postamt::store
