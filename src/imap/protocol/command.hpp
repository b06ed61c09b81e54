// Typed IMAP commands, one struct per command (RFC 9051 §6, RFC 3501 §6) and the extensions the
// server implements: ENABLE (RFC 5161), ID (RFC 2971), QUOTA (RFC 9208), ACL (RFC 4314),
// METADATA (RFC 5464), SPECIAL-USE (RFC 6154), LIST-EXTENDED (RFC 5258), CONDSTORE/QRESYNC (RFC 7162),
// MULTIAPPEND (RFC 3502), BINARY (RFC 3516), UTF8=ACCEPT (RFC 6855).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "imap/protocol/date_time.hpp"
#include "imap/protocol/fetch.hpp"
#include "imap/protocol/search.hpp"
#include "imap/protocol/sequence_set.hpp"

namespace postamt::imap::protocol {

// Mailbox names are given as sent (modified UTF-7, or UTF-8 after UTF8=ACCEPT); "INBOX" in any
// case is normalised to "INBOX".

struct Capability {};
struct Noop {};
struct Logout {};
struct StartTls {};
struct Check {};
struct Authenticate {
  std::string mechanism;                        // upper-cased
  std::optional<std::string> initial_response;  // SASL-IR (RFC 4959): base64 text; "=" -> ""
};
struct Login {
  std::string user;
  std::string password;
};
struct Enable {
  std::vector<std::string> capabilities;  // upper-cased
};
struct Qresync {
  std::uint32_t uidvalidity = 0;
  std::uint64_t modseq = 0;
  std::optional<SequenceSet> known_uids;
  std::optional<SequenceSet> known_seqs;      // seq-match-data: message numbers ...
  std::optional<SequenceSet> known_seq_uids;  // ... and their UIDs
};
struct Select {
  std::string mailbox;
  bool read_only = false;  // EXAMINE
  bool condstore = false;
  std::optional<Qresync> qresync;
};
struct Create {
  std::string mailbox;
  std::vector<std::string> special_use;  // USE (\Drafts ...)
};
struct Delete {
  std::string mailbox;
};
struct Rename {
  std::string from;
  std::string to;
};
struct Subscribe {
  std::string mailbox;
};
struct Unsubscribe {
  std::string mailbox;
};
enum class StatusItem {
  Messages, UidNext, UidValidity, Unseen, Deleted, Size, Recent, HighestModSeq, AppendLimit,
  MailboxId, DeletedStorage,
};
struct List {
  // Selection options (RFC 5258 §3.1, RFC 6154 §5.3)
  bool select_subscribed = false;
  bool select_remote = false;
  bool select_recursive_match = false;
  bool select_special_use = false;
  std::string reference;
  std::vector<std::string> patterns;
  // Return options (RFC 5258 §3.2, RFC 9051 §6.3.9.2, RFC 5819 STATUS)
  bool return_subscribed = false;
  bool return_children = false;
  bool return_special_use = false;
  std::optional<std::vector<StatusItem>> return_status;
  bool extended = false;  // selection or return options or several patterns were used
};
struct Lsub {
  std::string reference;
  std::string pattern;
};
struct Namespace {};
struct Status {
  std::string mailbox;
  std::vector<StatusItem> items;
};
struct AppendMessage {
  std::vector<std::string> flags;
  std::optional<DateTime> internal_date;
  std::string data;
  bool binary = false;  // sent as literal8 (~{n})
  bool utf8 = false;    // UTF8 (~{n}) data extension (RFC 6855 §4)
};
struct Append {
  std::string mailbox;
  std::vector<AppendMessage> messages;  // more than one: MULTIAPPEND
};
struct Idle {};
struct Close {};
struct Unselect {};
struct Expunge {
  std::optional<SequenceSet> uids;  // UID EXPUNGE (RFC 4315 / RFC 9051 §6.4.9)
};
struct Store {
  enum class Mode { Replace, Add, Remove };
  bool uid = false;
  SequenceSet set;
  std::optional<std::uint64_t> unchanged_since;
  Mode mode = Mode::Replace;
  bool silent = false;
  std::vector<std::string> flags;
};
struct Copy {
  bool uid = false;
  SequenceSet set;
  std::string mailbox;
};
struct Move {
  bool uid = false;
  SequenceSet set;
  std::string mailbox;
};
struct Id {
  // nullopt for "ID NIL"; values are NIL-able.
  std::optional<std::vector<std::pair<std::string, std::optional<std::string>>>> params;
};
struct GetQuota {
  std::string root;
};
struct GetQuotaRoot {
  std::string mailbox;
};
struct SetQuota {
  std::string root;
  std::vector<std::pair<std::string, std::uint64_t>> limits;  // resource name upper-cased
};
struct GetAcl {
  std::string mailbox;
};
struct SetAcl {
  std::string mailbox;
  std::string identifier;
  std::string rights;  // may start with "+" or "-" (RFC 4314 §3.1)
};
struct DeleteAcl {
  std::string mailbox;
  std::string identifier;
};
struct ListRights {
  std::string mailbox;
  std::string identifier;
};
struct MyRights {
  std::string mailbox;
};

// RFC 5464 §4.2: "" is the server; entry names canonical (metadata_entry.hpp), "/private" and
// "/shared" alone allowed as DEPTH roots.
struct GetMetadata {
  enum class Depth { Zero, One, Infinity };  // §4.2.2
  std::string mailbox;
  std::vector<std::string> entries;
  std::optional<std::uint64_t> max_size;  // §4.2.1 MAXSIZE
  Depth depth = Depth::Zero;
};
// RFC 5464 §4.3: entries with their values, nullopt (NIL) removes.
struct SetMetadata {
  std::string mailbox;
  std::vector<std::pair<std::string, std::optional<std::string>>> entries;
};

using Command =
    std::variant<Capability, Noop, Logout, StartTls, Check, Authenticate, Login, Enable, Select,
                 Create, Delete, Rename, Subscribe, Unsubscribe, List, Lsub, Namespace, Status,
                 Append, Idle, Close, Unselect, Expunge, Search, Fetch, Store, Copy, Move, Id,
                 GetQuota, GetQuotaRoot, SetQuota, GetAcl, SetAcl, DeleteAcl, ListRights, MyRights,
                 GetMetadata, SetMetadata>;

}  // namespace postamt::imap::protocol
