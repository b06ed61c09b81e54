// Public interface of the Sieve language core (RFC 5228 and extensions): compile a script into a
// validated AST, then execute it against one message to get the list of actions delivery performs.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "mime/message.hpp"

namespace postamt::sieve {

// A compile error with its 1-based position in the script source.
struct Error {
  int line = 0, column = 0;
  std::string message;
};

// Looks up an included script (RFC 6609): name and location (true = :global, false = :personal);
// returns its source, or nullopt when it does not exist.
using IncludeResolver = std::function<std::optional<std::string>(std::string_view name, bool global)>;

struct CompileOptions {
  // Capabilities a script may `require`; empty = every capability this implementation has.
  std::set<std::string> extensions;
  std::size_t max_script_size = 1 << 20;   // bytes of source
  std::size_t max_nesting = 32;            // blocks and test nesting
  std::size_t max_string_length = 1 << 20; // one string literal
  std::size_t max_list_length = 1024;      // strings in one string list
  std::size_t max_include_depth = 5;       // RFC 6609 §3.2 (nested includes)
  std::size_t max_errors = 20;
  IncludeResolver include_resolver;        // required for `include` to find anything
  // A non-optional include whose script does not exist: compile error (true) or runtime error (false,
  // so a user may upload scripts in any order through ManageSieve).
  bool missing_include_is_error = true;
  std::string script_name = "main";        // for include loop detection
};

struct Script;  // compiled, validated AST (opaque; see ast.hpp)

// All capabilities this implementation supports (for the ManageSieve SIEVE capability).
const std::set<std::string>& supported_extensions();

std::variant<std::shared_ptr<const Script>, std::vector<Error>> compile(std::string_view source,
                                                                         const CompileOptions& options = {});

// Formats "line:column: message" for each error (ManageSieve / CLI output).
std::string format_errors(const std::vector<Error>& errors);

struct MessageContext {
  std::string_view raw;                // the whole message as received (header + body)
  const mime::Message& parsed;         // mime::parse(raw)
  std::string envelope_from{};           // MAIL FROM address without brackets; "" = null sender "<>"
  std::string envelope_to{};             // the final RCPT TO address of the user this script belongs to
  std::string original_to{};             // ORCPT if known (envelope "orig_to"), else ""
  std::int64_t now = 0;                // Unix time, for currentdate / vacation / duplicate
  int local_zone_offset_minutes = 0;   // for date tests without :zone (RFC 5260 §4.2)
  std::map<std::string, std::string> environment{};  // RFC 5183 items: "domain", "host", "remote-ip", …
  std::vector<std::string> user_addresses{};  // addresses known to be the user's (RFC 5230 §4.5 item 1)
  // RFC 5235: values computed by delivery from the configured spam/virus headers; "0" = not tested.
  std::string spamtest_value = "0";    // "0".."10"
  std::string spamtest_percent = "0";  // "0".."100" (spamtestplus :percent)
  std::string virustest_value = "0";   // "0".."5"
};

struct Action {
  enum class Kind { Keep, FileInto, Redirect, Discard, Reject, Ereject, Vacation };
  Kind kind = Kind::Keep;
  std::string mailbox;               // FileInto: as written in the script (no INBOX. mapping here)
  std::string address;               // Redirect: target; Vacation: the reply's recipient (envelope from)
  std::vector<std::string> flags;    // Keep/FileInto: IMAP flags (RFC 5232); empty = default
  bool copy = false;                 // :copy (RFC 3894) — informational, implicit keep is already resolved
  bool create = false;               // FileInto :create (RFC 5490)
  std::string reason;                // Reject/Ereject: text; Vacation: the reply body
  // Vacation (RFC 5230):
  std::string subject;               // :subject, else "Auto: " + the decoded original subject (§4.4)
  std::string from;                  // :from, "" = the user's address
  std::vector<std::string> addresses;
  std::string handle;                // :handle or a hash of the arguments (§4.2)
  std::uint64_t seconds = 0;         // :days * 86400 or :seconds — the per-sender resend interval
  bool mime = false;                 // `reason` is a MIME entity (headers + body)
  std::string reply_to_message_id;   // Message-ID of the original, for In-Reply-To/References (§5.8)
  std::string recipient;             // the user's address that matched (goes into the reply's From)
};

struct Result {
  std::vector<Action> actions;       // implicit keep resolved: a Keep is present when it applies
  std::vector<std::string> errors;   // runtime errors; when non-empty, actions == {Keep} (RFC 5228 §2.10.6)
  bool headers_edited = false;       // editheader (RFC 5293) changed the header
  std::vector<std::pair<std::string, std::string>> header_fields;  // final header fields when edited
  std::vector<std::string> duplicate_ids;  // RFC 7352 §3.1: ids to record once delivery succeeded
  std::vector<std::uint64_t> duplicate_seconds;  // parallel to duplicate_ids: the tracking period
};

// Delivery's side of the interpreter: state that lives outside one message.
class RuntimeEnvironment {
 public:
  virtual ~RuntimeEnvironment() = default;
  // RFC 7352: was a message with this id (handle-qualified) seen in the last `seconds`?
  virtual bool duplicate_seen(std::string_view id, std::uint64_t seconds) = 0;
  // RFC 5230 §4.2: was a reply sent to `sender` for `handle` in the last `seconds`? Delivery records
  // a reply when it sends one.
  virtual bool vacation_already_sent(std::string_view sender, std::string_view handle, std::uint64_t seconds) = 0;
  // RFC 5490 mailboxexists / fileinto :create.
  virtual bool mailbox_exists(std::string_view mailbox) = 0;
};

// An environment with no memory: nothing was seen or sent, only INBOX exists (tests, `sieve test`).
class NullEnvironment : public RuntimeEnvironment {
 public:
  bool duplicate_seen(std::string_view, std::uint64_t) override { return false; }
  bool vacation_already_sent(std::string_view, std::string_view, std::uint64_t) override { return false; }
  bool mailbox_exists(std::string_view m) override;
};

struct ExecuteLimits {
  std::size_t max_actions = 32;
  std::size_t max_redirects = 4;
  std::size_t max_variable_size = 4096;   // RFC 5229 §6: values may be truncated
  std::size_t max_variables = 256;
  std::size_t max_steps = 100000;         // commands + tests evaluated (include loops, huge scripts)
  std::size_t max_body_bytes = 1 << 20;   // body test: decoded text examined per part
  std::uint64_t vacation_min_seconds = 86400;      // RFC 5230 §4.1 (lower bound for :days/:seconds)
  std::uint64_t vacation_max_seconds = 90 * 86400;
  std::uint64_t vacation_default_seconds = 7 * 86400;
  std::uint64_t duplicate_default_seconds = 7 * 86400;
  std::uint64_t duplicate_max_seconds = 30 * 86400;
};

Result execute(const Script& script, const MessageContext& message, RuntimeEnvironment& env,
               const ExecuteLimits& limits = {});

// RFC 3834 §2 / RFC 5230 §4.6: may an automatic reply be sent for this message at all? False for a
// null sender, MAILER-DAEMON/owner-/-request senders, Auto-Submitted other than "no",
// Precedence bulk/list/junk and any List-* header.
bool vacation_allowed(const MessageContext& message);

// The message with the edited header section in place of the original one (when headers_edited).
std::string apply_header_edits(std::string_view raw, const mime::Message& parsed, const Result& result);

}  // namespace postamt::sieve
