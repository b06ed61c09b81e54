// The one inbound pipeline (DESIGN.md "One inbound pipeline"): every new message — SMTP/LMTP for
// local recipients, `postamt deliver`, imports — is normalised, checked, parsed once, resolved against
// the directory and stored once for all its local recipients. Sieve will run here per recipient.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/types.hpp"

namespace postamt::directory {
class Directory;
}
namespace postamt::mime {
struct Message;
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
};

struct Request {
  std::string envelope_from;            // "" is the null reverse-path
  std::vector<std::string> recipients;  // envelope recipients (RFC 5321 forward-paths, no brackets)
  std::optional<std::string> mailbox;   // file into this mailbox instead of INBOX (falls back to INBOX)
  std::int64_t internal_date = 0;       // seconds since the epoch; 0 = now
  std::string trace_header;             // a Received: field to prepend (SMTP), or empty
};

enum class Status {
  Delivered,
  UnknownUser,   // RFC 3463 5.1.1
  NotLocal,      // the domain is not ours
  TooBig,        // 5.3.4
  BadMessage,    // not RFC 5322 mail (5.6.0)
  TempFailure,   // try again later (4.x.x)
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

// A message checked, parsed and resolved, ready for the store (see Pipeline::prepare): lets a
// caller batch the store writes of several deliveries into one group commit.
struct Prepared {
  Result result;                       // recipients' statuses so far (refusals are final)
  std::string message;                 // the bytes to store
  store::NewMessage meta;
  std::vector<store::Target> targets;  // one per account
  std::map<store::AccountId, std::vector<std::size_t>> recipients_of_account;
};

class Pipeline {
 public:
  Pipeline(directory::Directory& directory, store::MailStore& store, Options options);
  // Never throws for problems of the message or a recipient: each recipient gets its own status.
  Result deliver(const Request& request, std::string_view raw_message);

  // The two halves of deliver(): everything before the store write (uses the directory only) ...
  Prepared prepare(const Request& request, std::string_view raw_message);
  // ... and recording the store's answer: the copies it stored, or why it failed (temporary).
  static void complete(Prepared& prepared, const std::vector<store::Stored>& stored);
  static void fail(Prepared& prepared, const std::string& error);

 private:
  void run_sieve(Prepared& prepared, const std::string& envelope_from, const mime::Message& parsed);

  directory::Directory& directory_;
  store::MailStore& store_;
  Options options_;
};

const char* to_string(Status status);

}  // namespace postamt::delivery
