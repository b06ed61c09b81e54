// The durable outbound queue on disk: DATA/queue/messages/<id>.eml (file fsync + directory fsync)
// and DATA/queue/queue.sqlite (one row per message, one per recipient with its own state, attempts,
// next attempt and last reply; DSN ENVID/RET/NOTIFY/ORCPT of RFC 3461 §4 recorded). Thread-safe.
#pragma once
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sqlite.hpp"

namespace postamt::queue {

enum class RcptState { Pending, Delivered, Failed };
const char* to_string(RcptState s);

struct NewRecipient {
  std::string address;
  std::string notify;  // "" (not given), "NEVER", or a comma list of SUCCESS, FAILURE, DELAY
  std::string orcpt;   // "" or "rfc822;user@example.org" (decoded)
};

struct NewMessage {
  std::string sender;  // "" for the null reverse path
  std::vector<NewRecipient> recipients;
  std::string envid;   // RFC 3461 ENVID (decoded), "" when absent
  std::string ret;     // "", "FULL" or "HDRS"
  std::string body;    // "", "7BIT", "8BITMIME"
  bool smtputf8 = false;
  bool bounce = false;  // a DSN we generated: never bounced itself
};

struct RecipientInfo {
  std::int64_t id = 0;
  std::string address, domain, notify, orcpt;
  RcptState state = RcptState::Pending;
  int attempts = 0;
  std::int64_t next_attempt = 0;  // unix seconds
  std::string last_reply;         // the remote server's (or our) last answer
  std::string remote_mta;         // the host that answered
  bool dsn_sent = false;          // failure DSN already generated for this recipient
};

struct MessageInfo {
  std::string id;
  std::string sender, envid, ret, body;
  bool smtputf8 = false, bounce = false, held = false;
  std::int64_t created = 0;  // unix seconds
  std::uint64_t size = 0;
  std::vector<RecipientInfo> recipients;
};

// One delivery job: the pending recipients of one message for one domain.
struct Job {
  std::string message_id;
  std::string domain;
};

class QueueStore {
 public:
  // Opens (creating) dir/queue.sqlite and dir/messages/, applying migrations. Throws on error.
  explicit QueueStore(std::filesystem::path dir);

  // Writes the message durably, then its rows (synchronous=FULL commit). Returns the new id.
  // Only after this returned may the SMTP server say 250 (RFC 5321 §6.1).
  std::string enqueue(const NewMessage& message, std::string_view raw);

  std::vector<MessageInfo> list();
  std::optional<MessageInfo> get(const std::string& id);
  std::string read_message(const std::string& id);
  std::filesystem::path message_path(const std::string& id) const;
  const std::filesystem::path& dir() const { return dir_; }

  // Jobs whose recipients are pending and due at `now` (messages not held), oldest first.
  std::vector<Job> due(std::int64_t now, std::size_t limit);
  // The same for one destination domain (connection reuse picks the next message for a host).
  std::vector<Job> due_for_domain(const std::string& domain, std::int64_t now, std::size_t limit);
  // The earliest next_attempt of a pending recipient of a message not held; nullopt when none.
  std::optional<std::int64_t> next_due();

  void update_recipient(const RecipientInfo& r);
  // Deletes the message (rows and file) when no recipient is pending any more; true when deleted.
  bool remove_if_done(const std::string& id);

  // Admin operations; false when the id is unknown.
  bool remove(const std::string& id);
  bool set_held(const std::string& id, bool held);
  // Makes every pending recipient (of `id`, or of every message when empty) due now; returns the count.
  int flush(const std::string& id = {});

 private:
  std::optional<MessageInfo> get_locked(const std::string& id);
  bool remove_locked(const std::string& id);

  std::filesystem::path dir_;
  std::mutex mu_;
  sqlite::Database db_;
};

// A new queue id: 16 lower-case hex digits of randomness, so ids are unguessable file names.
std::string new_queue_id();
// The domain of an address (after the last '@'), lower-cased; "" when there is none.
std::string domain_of(std::string_view address);

}  // namespace postamt::queue
