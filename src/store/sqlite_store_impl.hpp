// The SQLite MailStore backend's class (internal): per-account index connections, the operations in
// sqlite_store.cpp, delivery in deliver.cpp, copy/move in copy_move.cpp, consistency checks in fsck.cpp,
// ACL in acl.cpp, METADATA in metadata.cpp.
#pragma once
#include <map>
#include <set>
#include <memory>
#include <mutex>

#include "common/sqlite.hpp"
#include "store/account_index.hpp"
#include "store/blob_files.hpp"
#include "store/mail_store.hpp"

namespace postamt::store {

// A Change with the common fields set (the rest default).
inline Change make_change(Change::Kind kind, AccountId account, std::string mailbox, std::uint32_t uid = 0,
                          std::uint64_t modseq = 0) {
  Change c{kind, account, std::move(mailbox), uid, modseq, {}, {}};
  return c;
}

// A mailbox row with its counters (messages, unseen, recent, size).
MailboxInfo mailbox_info(sqlite::Database& db, const index::MailboxRow& row);

class SqliteStore final : public MailStore {
 public:
  struct OpenIndex {
    explicit OpenIndex(sqlite::Database d) : db(std::move(d)) {}
    sqlite::Database db;
    std::recursive_mutex mu;  // one thread at a time per account; other accounts run in parallel
  };
  // The account's open index, locked for this thread while the handle lives. Every public method
  // holds one for its whole duration, so the store is thread-safe with per-account serialisation;
  // multi-account operations take the handles in ascending account order.
  class AccountDb {
   public:
    explicit AccountDb(std::shared_ptr<OpenIndex> index) : index_(std::move(index)), lock_(index_->mu) {}
    sqlite::Database& operator*() const { return index_->db; }
    sqlite::Database* operator->() const { return &index_->db; }

   private:
    std::shared_ptr<OpenIndex> index_;
    std::unique_lock<std::recursive_mutex> lock_;
  };
  // Throws NoSuchAccount if the account was never created.

  SqliteStore(std::filesystem::path data_dir, StoreOptions options)
      : layout_(std::move(data_dir)), options_(std::move(options)) {}

  void create_account(AccountId) override;
  void delete_account(AccountId) override;
  std::vector<Stored> deliver(std::string_view message, const NewMessage&, std::span<const Target>,
                              Changes& out) override;
  std::vector<std::vector<Stored>> deliver_batch(std::span<const BatchItem> items, Changes& out,
                                                 QuotaMode quota_mode) override;
  std::vector<MailboxInfo> list_mailboxes(AccountId) override;
  std::optional<MailboxInfo> mailbox(AccountId, std::string_view name) override;
  void create_mailbox(AccountId, std::string_view name, std::string_view special_use, Changes& out) override;
  void delete_mailbox(AccountId, std::string_view name, Changes& out) override;
  void rename_mailbox(AccountId, std::string_view from, std::string_view to, Changes& out) override;
  std::vector<MessageInfo> messages(AccountId, std::string_view mailbox) override;
  std::string read_message(AccountId, const MessageInfo&) override;
  std::filesystem::path message_path(AccountId, const MessageInfo&) override;
  void store_flags(AccountId, std::string_view mailbox, std::span<const std::uint32_t> uids,
                   std::span<const std::string> flags, FlagMode, Changes& out) override;
  void expunge(AccountId, std::string_view mailbox, std::span<const std::uint32_t> uids, Changes& out) override;
  std::vector<CopiedUid> copy_messages(AccountId, std::string_view from, std::span<const std::uint32_t> uids,
                                       std::string_view to, Changes& out) override;
  std::vector<CopiedUid> move_messages(AccountId, std::string_view from, std::span<const std::uint32_t> uids,
                                       std::string_view to, Changes& out) override;
  Quota quota(AccountId) override;
  void set_quota(AccountId, const std::optional<QuotaLimits>& limits) override;
  bool take_quota_warning(AccountId) override;
  std::vector<AclEntry> acl(AccountId, std::string_view mailbox) override;
  void set_acl(AccountId, std::string_view mailbox, std::string_view identifier, std::string_view rights) override;
  std::optional<std::string> rights(AccountId, std::string_view mailbox, std::string_view identifier) override;
  std::optional<std::string> owner_rights(AccountId, std::string_view mailbox) override;
  bool owner_restricted(AccountId) override;
  std::vector<AccountId> sharing_accounts(std::string_view identifier) override;
  std::vector<SharedMailbox> shared_mailboxes(AccountId owner, std::string_view identifier) override;
  std::vector<metadata::Entry> metadata(AccountId, std::string_view mailbox, std::string_view user) override;
  void set_metadata(AccountId, std::string_view mailbox, std::string_view user,
                    std::span<const metadata::Change> changes) override;
  FsckReport fsck(bool repair) override;
  std::uint64_t change_stamp(AccountId) override;
  void set_subscribed(AccountId, std::string_view mailbox, bool subscribed) override;
  void set_foreign_subscribed(AccountId, std::string_view shown_name, bool subscribed) override;
  std::vector<std::string> foreign_subscriptions(AccountId) override;
  std::vector<std::uint32_t> expunged_since(AccountId, std::string_view mailbox, std::uint64_t modseq) override;
  std::vector<std::uint32_t> claim_recent(AccountId, std::string_view mailbox) override;

 private:
  AccountDb db(AccountId account);
  void forget(AccountId account);
  std::vector<CopiedUid> transfer(AccountId account, std::string_view from, std::span<const std::uint32_t> uids,
                                  std::string_view to, bool move, Changes& out);
  // Stages for removal every blob in `blobs` that no row of the account references any more.
  void stage_unreferenced(sqlite::Database& db, AccountId account, const std::vector<std::string>& blobs,
                          BlobRemoval& removal);

  // The limits in force for the account whose index `db` is.
  QuotaLimits limits_of(sqlite::Database& db) const;

  // The shares registry DATA/shares.sqlite (acl.cpp; also the /shared server METADATA entries,
  // metadata.cpp); callers hold shares_mu_, taken after an account's lock, never before.
  sqlite::Database& shares();
  void sync_shares(AccountId account, const std::vector<std::string>& identifiers);

  Layout layout_;
  StoreOptions options_;
  std::mutex shares_mu_;
  std::unique_ptr<sqlite::Database> shares_;
  std::set<AccountId> restricted_owners_;  // owner_restricted(), guarded by shares_mu_
  std::int64_t restricted_version_ = -1;
  std::mutex mutex_;  // guards dbs_ only
  std::map<AccountId, std::shared_ptr<OpenIndex>> dbs_;
};

}  // namespace postamt::store
