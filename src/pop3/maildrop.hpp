// The maildrop of one POP3 session (RFC 1939 §8): a snapshot of the user's INBOX taken at login,
// numbered 1..n, with deletion marks that only QUIT applies (UPDATE state); unique-ids (RFC 1939 §7
// UIDL) from the mailbox's UIDVALIDITY and the message UID; and the per-account maildrop lock.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/types.hpp"

namespace postamt::pop3 {

// "<uidvalidity>-<uid>" in lower-case hex, e.g. "6561f3a2-1c": stable for the life of the message
// (UIDs are never reused within a UIDVALIDITY), across restarts, and shared with IMAP's view.
std::string unique_id(std::uint32_t uidvalidity, std::uint32_t uid);

class Maildrop {
 public:
  Maildrop(store::AccountId account, std::uint32_t uidvalidity, std::vector<store::MessageInfo> messages);

  store::AccountId account() const { return account_; }
  // Highest message number (deleted ones included: numbers never shift within a session).
  std::uint32_t size() const { return static_cast<std::uint32_t>(messages_.size()); }
  bool exists(std::uint32_t n) const { return n >= 1 && n <= size(); }
  bool deleted(std::uint32_t n) const { return deleted_.at(n - 1); }
  // Precondition exists(n).
  const store::MessageInfo& message(std::uint32_t n) const { return messages_.at(n - 1); }
  std::string unique_id(std::uint32_t n) const { return pop3::unique_id(uidvalidity_, message(n).uid); }

  void mark_deleted(std::uint32_t n);
  void reset();  // RSET: unmark every message

  // STAT / LIST: messages not marked deleted and their octets (RFC 1939 §5).
  std::uint32_t live_count() const { return live_count_; }
  std::uint64_t live_octets() const { return live_octets_; }
  std::vector<std::uint32_t> deleted_uids() const;  // ascending

 private:
  store::AccountId account_;
  std::uint32_t uidvalidity_;
  std::vector<store::MessageInfo> messages_;
  std::vector<bool> deleted_;
  std::uint32_t live_count_ = 0;
  std::uint64_t live_octets_ = 0;
};

// Exclusive access to one account's maildrop within this process (RFC 1939 §8: "the POP3 server
// then acquires an exclusive-access lock on the maildrop"). IMAP sessions do not take it.
class MaildropLock {
 public:
  // nullopt when another POP3 session holds the account's lock ([IN-USE], RFC 2449 §8.1.1).
  static std::optional<MaildropLock> try_acquire(store::AccountId account);
  MaildropLock(MaildropLock&& other) noexcept : account_(other.account_), held_(other.held_) { other.held_ = false; }
  MaildropLock& operator=(MaildropLock&&) = delete;
  MaildropLock(const MaildropLock&) = delete;
  ~MaildropLock();
  static bool held(store::AccountId account);  // for tests

 private:
  explicit MaildropLock(store::AccountId account) : account_(account), held_(true) {}
  store::AccountId account_;
  bool held_;
};

}  // namespace postamt::pop3
