// The MailStore interface (DESIGN.md "Storage"): every protocol and the delivery pipeline reach the
// mailboxes through it; the SQLite backend implements it now, a PostgreSQL backend later, unchanged.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/acl.hpp"
#include "store/metadata.hpp"
#include "store/quota.hpp"
#include "store/types.hpp"

namespace postamt::store {

// Implementations are thread-safe: calls for one account are serialised, calls for different
// accounts run in parallel (services::Services relies on this).
class MailStore {
 public:
  virtual ~MailStore() = default;
  // INBOX + Drafts Sent Trash Junk Archive with \Drafts \Sent \Trash \Junk \Archive (RFC 6154); idempotent.
  virtual void create_account(AccountId) = 0;
  virtual void delete_account(AccountId) = 0;  // removes the account's index and blobs
  // Stores `message` (already CRLF-normalised, Return-Path included) once for all targets; a target
  // whose mailbox does not exist falls back to INBOX. All-or-nothing: on exception nothing is visible.
  // An account whose quota the message would exceed gets none of its copies: its targets come back
  // with Stored::over_quota set (the other accounts' copies are stored).
  // Throws NoSuchAccount for an account never created, Error for a bad flag.
  virtual std::vector<Stored> deliver(std::string_view message, const NewMessage&, std::span<const Target>,
                                      Changes& out) = 0;
  // How deliver_batch treats a copy over quota: refuse that copy (delivery), or the whole batch with
  // QuotaExceeded (APPEND, MULTIAPPEND is all-or-nothing, RFC 3502 §6.3.11), or store it anyway
  // (Ignore: only the quota warning message, which must reach a full mailbox; the usage counts it).
  enum class QuotaMode { RefuseCopy, RefuseBatch, Ignore };
  // Group commit: stores every item like deliver() but with one fsync per directory and one commit
  // per account for the whole batch. All-or-nothing for the batch; result[i] belongs to items[i].
  virtual std::vector<std::vector<Stored>> deliver_batch(std::span<const BatchItem> items, Changes& out,
                                                         QuotaMode quota_mode = QuotaMode::RefuseCopy) = 0;
  virtual std::vector<MailboxInfo> list_mailboxes(AccountId) = 0;  // INBOX first, then by name
  virtual std::optional<MailboxInfo> mailbox(AccountId, std::string_view name) = 0;  // INBOX case-insensitive
  // Creates missing superior names too (RFC 9051 §6.3.4). Throws MailboxExists, Error (bad name).
  virtual void create_mailbox(AccountId, std::string_view name, std::string_view special_use, Changes& out) = 0;
  // Inferior names stay (RFC 9051 §6.3.5). Throws NoSuchMailbox, Error (INBOX).
  virtual void delete_mailbox(AccountId, std::string_view name, Changes& out) = 0;
  // Renames inferior names too; renaming INBOX moves its messages to a new mailbox (RFC 9051 §6.3.6).
  virtual void rename_mailbox(AccountId, std::string_view from, std::string_view to, Changes& out) = 0;
  virtual std::vector<MessageInfo> messages(AccountId, std::string_view mailbox) = 0;  // ascending UID
  virtual std::string read_message(AccountId, const MessageInfo&) = 0;                 // full bytes
  virtual std::filesystem::path message_path(AccountId, const MessageInfo&) = 0;
  // flags: mode Add/Remove/Replace; returns new modseq per uid via Changes (only messages whose flags
  // changed get a new modseq, one new modseq per call, RFC 7162 §3.1). Unknown uids are ignored.
  enum class FlagMode { Add, Remove, Replace };
  virtual void store_flags(AccountId, std::string_view mailbox, std::span<const std::uint32_t> uids,
                           std::span<const std::string> flags, FlagMode, Changes& out) = 0;
  // Removes the messages (remembered with their modseq for QRESYNC VANISHED, RFC 7162 §3.2.10).
  virtual void expunge(AccountId, std::string_view mailbox, std::span<const std::uint32_t> uids, Changes& out) = 0;
  // Copies the messages `uids` of mailbox `from` into `to` (same account) as new index rows sharing the
  // stored file: no new file, no re-delivery; flags, internal date and cached strings kept; new UIDs
  // in ascending source order (RFC 9051 §6.4.7, UIDPLUS COPYUID). One transaction: all or nothing.
  // Unknown uids are skipped. Throws NoSuchMailbox for either mailbox, QuotaExceeded (nothing copied).
  virtual std::vector<CopiedUid> copy_messages(AccountId, std::string_view from, std::span<const std::uint32_t> uids,
                                               std::string_view to, Changes& out) = 0;
  // The same, and the sources are expunged (remembered for VANISHED) in the same transaction, so no
  // one ever sees a message in both or in neither mailbox (RFC 6851 §3.1). Throws Error when from == to.
  virtual std::vector<CopiedUid> move_messages(AccountId, std::string_view from, std::span<const std::uint32_t> uids,
                                               std::string_view to, Changes& out) = 0;
  // Usage and the limits in force (RFC 9208 §4.1.1); throws NoSuchAccount.
  virtual Quota quota(AccountId) = 0;
  // The account's own limits (SETQUOTA, RFC 9208 §4.1.3), or nullopt: back to the default.
  virtual void set_quota(AccountId, const std::optional<QuotaLimits>& limits) = 0;
  // True once when the account's usage has reached the warning share of a limit ([quota]
  // warning_percent); re-armed when usage drops below it. The caller delivers the warning.
  virtual bool take_quota_warning(AccountId) = 0;

  // ACL of a mailbox (RFC 4314 §3.3), without the owner's implicit full rights. Throws NoSuchMailbox.
  virtual std::vector<AclEntry> acl(AccountId, std::string_view mailbox) = 0;
  // Sets an identifier's canonical rights on the mailbox; "" removes its entry (SETACL / DELETEACL).
  virtual void set_acl(AccountId, std::string_view mailbox, std::string_view identifier, std::string_view rights) = 0;
  // The rights `identifier` (a user's address) has on another account's mailbox: its own entry and
  // "anyone"'s united; nullopt when there is no such mailbox.
  virtual std::optional<std::string> rights(AccountId, std::string_view mailbox, std::string_view identifier) = 0;
  // The owner's own rights on a mailbox of theirs: every right unless they restricted them (an entry
  // for acl::kOwner, plus the implicit "la"); nullopt when there is no such mailbox.
  virtual std::optional<std::string> owner_rights(AccountId, std::string_view mailbox) = 0;
  // Cheap (no index opened): whether the owner restricted their own rights on any mailbox.
  virtual bool owner_restricted(AccountId) = 0;
  // Accounts that may have granted rights to `identifier` or to anyone (a superset).
  virtual std::vector<AccountId> sharing_accounts(std::string_view identifier) = 0;
  // The owner's mailboxes on which `identifier` has any right.
  virtual std::vector<SharedMailbox> shared_mailboxes(AccountId owner, std::string_view identifier) = 0;

  // METADATA (RFC 5464) of a mailbox, or of the server for mailbox "": the /shared entries and
  // `user`'s own /private ones, ordered by name. Throws NoSuchMailbox.
  virtual std::vector<metadata::Entry> metadata(AccountId, std::string_view mailbox, std::string_view user) = 0;
  // Sets (or, for a nullopt value, removes) entries with canonical names, all or nothing (§4.3), as
  // `user` (the owner of /private entries). For the server (mailbox "") the /private entries go to
  // the account's own index and the /shared ones to the server-wide registry; the caller checks who
  // may write them. Throws NoSuchMailbox, metadata::TooBig, metadata::TooMany (nothing changed).
  virtual void set_metadata(AccountId, std::string_view mailbox, std::string_view user,
                            std::span<const metadata::Change> changes) = 0;

  // all accounts: every row has its file with right size+sha256; every file has a row; temp files
  virtual FsckReport fsck(bool repair) = 0;

  // A value that changes whenever any process commits to the account's index (derived from the
  // index files' size and modification time, no SQLite call): lets idle sessions notice other
  // processes' writes (`postamt deliver`) without re-reading the mailbox. 0 when it cannot tell.
  virtual std::uint64_t change_stamp(AccountId) = 0;

  // --- additions beyond the session contract ---
  virtual void set_subscribed(AccountId, std::string_view mailbox, bool subscribed) = 0;  // throws NoSuchMailbox
  // Subscriptions to names outside the account ("Other Users/<owner>/...", "Shared Folders/..."),
  // kept with the subscriber as shown names; at most kMaxForeignSubscriptions (throws Error).
  static constexpr std::size_t kMaxForeignSubscriptions = 1000;
  virtual void set_foreign_subscribed(AccountId, std::string_view shown_name, bool subscribed) = 0;
  virtual std::vector<std::string> foreign_subscriptions(AccountId) = 0;
  // UIDs expunged since `modseq` (exclusive), ascending, for QRESYNC VANISHED (RFC 7162 §3.2.10).
  virtual std::vector<std::uint32_t> expunged_since(AccountId, std::string_view mailbox, std::uint64_t modseq) = 0;
  // IMAP4rev1 \Recent (RFC 3501 §2.3.2): returns the UIDs recent to the caller's session and clears
  // them for every later session.
  virtual std::vector<std::uint32_t> claim_recent(AccountId, std::string_view mailbox) = 0;
};

}  // namespace postamt::store
