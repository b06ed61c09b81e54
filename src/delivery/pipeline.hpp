// The one inbound pipeline (DESIGN.md "One inbound pipeline"): every new message — SMTP/LMTP for
// local recipients, `postamt deliver`, imports — is normalised, checked, parsed once, resolved against
// the directory, filtered by each account's Sieve script and stored once for all its local
// recipients; what it sets off (redirects, vacation replies, rejection notices, alias targets outside
// our domains) goes to the outbound queue once the copies are safe.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <utility>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.hpp"
#include "delivery/outgoing.hpp"
#include "delivery/posting_rights.hpp"
#include "mime/message.hpp"
#include "sieve/sieve.hpp"
#include "store/types.hpp"

namespace postamt::directory {
class Directory;
}
namespace postamt::store {
class MailStore;
}

namespace postamt::delivery {

struct Options {
  std::uint64_t max_message_size = 50ull * 1024 * 1024;  // [limits] max_message_size
  std::string default_mailbox = "INBOX";                  // [delivery] default_mailbox
  char recipient_delimiter = '+';                         // [delivery] recipient_delimiter
  std::filesystem::path data_dir;  // where the accounts' Sieve scripts live; empty = no Sieve
  bool over_quota_permanent = false;  // [quota] over_quota_reply = "permanent"
  std::string hostname = "localhost";  // Message-IDs and Reporting-MTA of the mail delivery makes
  config::SieveConfig sieve;           // [sieve]: scanner headers for spamtest/virustest (RFC 5235)
  Enqueue enqueue;  // the outbound queue; empty = none (redirect keeps, no vacation or notices)
  // Looks up "Other Users/<address>" owners for Sieve fileinto while the directory is not locked for
  // the pipeline (Services locks it per call); empty = use the pipeline's directory directly.
  FindAccount find_account;
};

// How a Sieve reject/ereject may be answered (RFC 5429 §2.1.1, §2.1.2, §2.2).
enum class RejectReply {
  PerRecipient,  // LMTP, the queue's local delivery: each rejecting recipient gets its own refusal
  IfAllRefuse,   // SMTP, `postamt deliver`: refused in protocol only when no recipient accepts the
                 // message; otherwise it is accepted and a notice goes to the sender
  Never,         // the message is already accepted for others (queued remote recipients): notices
};

struct Request {
  std::string envelope_from;            // "" is the null reverse-path
  std::vector<std::string> recipients;  // envelope recipients (RFC 5321 forward-paths, no brackets)
  std::optional<std::string> mailbox;   // file into this mailbox instead of INBOX (falls back to INBOX)
  std::int64_t internal_date = 0;       // seconds since the epoch; 0 = now
  std::string trace_header;             // a Received: field to prepend (SMTP), or empty
  RejectReply reject_reply = RejectReply::PerRecipient;
};

enum class Status {
  Delivered,
  UnknownUser,   // RFC 3463 5.1.1
  NotLocal,      // the domain is not ours
  TooBig,        // 5.3.4
  BadMessage,    // not RFC 5322 mail (5.6.0)
  TempFailure,   // try again later (4.x.x)
  OverQuota,           // the recipient's quota is full, try later (452 4.2.2, RFC 9208)
  OverQuotaPermanent,  // ... refused for good ([quota] over_quota_reply = "permanent": 552 5.2.2)
  Rejected,      // refused by the recipient's Sieve reject/ereject (550 5.7.1, RFC 5429 §2.5)
};

struct RecipientResult {
  std::string recipient;
  Status status = Status::TempFailure;
  std::string reason;          // one line, for the client / the log
  std::string mailbox;         // where it was filed
  std::uint32_t uid = 0;
};

struct Result {
  std::vector<RecipientResult> recipients;
  store::Changes changes;      // for the ChangeBus
  std::uint64_t size = 0;      // stored size in octets
};

// What a delivery sets off once the copies of `recipients` are safe (Pipeline::dispatch): a message
// to queue and/or Sieve tracking to record for an account.
struct FollowUp {
  std::vector<std::size_t> recipients;  // indexes into Result::recipients
  std::optional<Outgoing> message;
  bool carries = false;  // the message carries the mail itself (redirect, alias): failing to queue
                         // it is a temporary failure of `recipients`
  store::AccountId account = 0;          // whose tracking to record (0 = none)
  std::vector<std::string> duplicate_ids;   // RFC 7352 §3.1
  std::string vacation_sender, vacation_handle;  // RFC 5230 §4.2, recorded once the reply is queued
};

// A message checked, parsed and resolved, ready for the store (see Pipeline::prepare): lets a
// caller batch the store writes of several deliveries into one group commit.
struct Prepared {
  Result result;                       // recipients' statuses so far (refusals are final)
  bool over_quota_permanent = false;   // Options::over_quota_permanent, for complete()
  std::string message;                 // the bytes to store
  mime::Message parsed;                // of `message`
  std::string envelope_from;
  RejectReply reject_reply = RejectReply::PerRecipient;
  store::NewMessage meta;
  std::vector<store::Target> targets;  // one per account before Sieve, then the scripts' targets
  std::map<store::AccountId, std::vector<std::size_t>> recipients_of_account;  // awaiting the store
  std::map<store::AccountId, std::string> address_of_account;                  // the user's address
  std::map<store::AccountId, std::string> detail_of_account;  // "folder" of user+folder@ (posting_rights.hpp)
  // Copies a Sieve script filed into another account's folder: (account, mailbox) → the accounts
  // whose recipients they belong to (complete() settles those recipients by them).
  std::map<std::pair<store::AccountId, std::string>, std::vector<store::AccountId>> filed_for;
  std::vector<FollowUp> follow_ups;
};

class Pipeline {
 public:
  Pipeline(directory::Directory& directory, store::MailStore& store, Options options);
  // Never throws for problems of the message or a recipient: each recipient gets its own status.
  Result deliver(const Request& request, std::string_view raw_message);

  // The steps of deliver(). Everything before the store write: resolve() (the directory only, so a
  // caller may hold a directory lock just for it) then filter() (Sieve, mailbox creation; the store
  // only); prepare() does both ...
  Prepared prepare(const Request& request, std::string_view raw_message);
  Prepared resolve(const Request& request, std::string_view raw_message);
  void filter(Prepared& prepared);
  // ... recording the store's answer: the copies it stored, or why it failed (temporary) ...
  static void complete(Prepared& prepared, const std::vector<store::Stored>& stored);
  static void fail(Prepared& prepared, const std::string& error);
  // ... and, once the copies are safe, the follow-ups: queued messages and Sieve tracking. A message
  // that carries mail and cannot be queued turns its recipients into temporary failures. With
  // RejectReply other than PerRecipient the whole message is retried on any temporary failure, so
  // nothing is set off then (no duplicate replies when the client sends it again).
  void dispatch(Prepared& prepared);

 private:
  void run_sieve(Prepared& prepared);
  void settle_rejections(Prepared& prepared, const std::vector<std::pair<std::vector<std::size_t>, sieve::Action>>& rejections);

  directory::Directory& directory_;
  store::MailStore& store_;
  Options options_;
};

const char* to_string(Status status);

}  // namespace postamt::delivery
