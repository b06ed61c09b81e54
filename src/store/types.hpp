// Value types of the mail store (DESIGN.md "Storage"): mailboxes, messages, changes published on the
// ChangeBus, delivery targets, fsck reports, and the store's errors. Backend-neutral.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <span>
#include <string>
#include <vector>

namespace postamt::store {

using AccountId = std::int64_t;

// The account that holds the public folders (the "Shared Folders" namespace, RFC 2342 §5): no user
// owns it, directory ids start at 1, so it never clashes with a user's account. It has no default
// mailboxes; rights on its mailboxes come from their ACLs only (RFC 4314), and [admin] users hold all.
constexpr AccountId kPublicAccount = 0;

// The hierarchy delimiter of mailbox names ("Archive/2024"), RFC 9051 §5.1.
constexpr char kHierarchyDelimiter = '/';

struct MailboxInfo {
  std::int64_t id;
  std::string name;
  std::uint32_t uidvalidity, uidnext;
  std::uint64_t highestmodseq;
  std::string special_use;  // "" or one RFC 6154 attribute, e.g. "\\Sent"
  bool subscribed;
  std::uint32_t messages, unseen, recent;
  std::uint64_t size;  // sum of message sizes in octets
};

struct MessageInfo {
  std::uint32_t uid;
  std::uint64_t modseq;
  std::vector<std::string> flags;  // "\\Seen"... and keywords
  std::int64_t internal_date;
  std::uint64_t size;
  std::string blob;  // sha256 hex
  std::string envelope, bodystructure;
};

struct Change {
  enum class Kind { MessageAdded, FlagsChanged, Expunged, MailboxCreated, MailboxDeleted, MailboxRenamed } kind;
  AccountId account;
  std::string mailbox;
  std::uint32_t uid = 0;
  std::uint64_t modseq = 0;
  std::vector<std::string> flags;  // MessageAdded / FlagsChanged: the message's whole flag set afterwards
  std::string new_name;            // MailboxRenamed: `mailbox` is the old name
};
using Changes = std::vector<Change>;

struct Target {
  AccountId account;
  std::string mailbox = "INBOX";
  std::vector<std::string> flags;
};
struct NewMessage {
  std::int64_t internal_date;
  std::string envelope, bodystructure;
};  // cached IMAP strings
struct Stored {
  AccountId account;
  std::string mailbox;
  std::uint32_t uid;
  std::uint64_t modseq;
  // Not stored: the copy would exceed the account's quota (RFC 9208); `over_quota` names the resource
  // ("STORAGE" or "MESSAGE"), uid and modseq are 0 and `mailbox` is the target asked for.
  std::string over_quota = {};
};

// A message copied or moved within an account (MailStore::copy_messages / move_messages).
struct CopiedUid {
  std::uint32_t source;
  std::uint32_t dest;
};

// One message of a batched delivery (MailStore::deliver_batch, DESIGN.md "group commit"): several
// concurrent deliveries share one directory fsync and one index commit per account.
struct BatchItem {
  std::string_view message;
  const NewMessage* meta = nullptr;
  std::span<const Target> targets;
};

// kinds: "missing-file", "size-mismatch", "hash-mismatch", "orphan-file", "temp-file", "bad-index"
struct FsckProblem {
  AccountId account;
  std::string kind;
  std::string detail;
  bool repaired = false;
};
struct FsckReport {
  std::size_t accounts = 0, messages = 0, files = 0;
  std::vector<FsckProblem> problems;
};

class NoSuchMailbox : public std::runtime_error {
 public:
  using runtime_error::runtime_error;
};

// Other refusals (bad mailbox name or flag, deleting INBOX, UID space exhausted, damaged file...).
class Error : public std::runtime_error {
 public:
  using runtime_error::runtime_error;
};
class MailboxExists : public Error {
 public:
  using Error::Error;
};
class NoSuchAccount : public Error {
 public:
  using Error::Error;
};

}  // namespace postamt::store
