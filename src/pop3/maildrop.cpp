// Maildrop snapshot, deletion marks and the process-wide maildrop lock (RFC 1939 §8, §5, §7).
#include "pop3/maildrop.hpp"

#include <cstdio>
#include <mutex>
#include <set>

namespace postamt::pop3 {
namespace {

std::mutex& locks_mutex() {
  static std::mutex mu;
  return mu;
}
std::set<store::AccountId>& locked_accounts() {
  static std::set<store::AccountId> accounts;
  return accounts;
}

}  // namespace

std::string unique_id(std::uint32_t uidvalidity, std::uint32_t uid) {
  // RFC 1939 §7: 1 to 70 characters in 0x21..0x7E.
  char buf[24];
  std::snprintf(buf, sizeof buf, "%x-%x", static_cast<unsigned>(uidvalidity), static_cast<unsigned>(uid));
  return buf;
}

Maildrop::Maildrop(store::AccountId account, std::uint32_t uidvalidity, std::vector<store::MessageInfo> messages)
    : account_(account), uidvalidity_(uidvalidity), messages_(std::move(messages)), deleted_(messages_.size()) {
  reset();
}

void Maildrop::mark_deleted(std::uint32_t n) {
  if (!exists(n) || deleted(n)) return;
  deleted_[n - 1] = true;
  --live_count_;
  live_octets_ -= messages_[n - 1].size;
}

void Maildrop::reset() {
  deleted_.assign(messages_.size(), false);
  live_count_ = size();
  live_octets_ = 0;
  for (const auto& m : messages_) live_octets_ += m.size;
}

std::vector<std::uint32_t> Maildrop::deleted_uids() const {
  std::vector<std::uint32_t> uids;
  for (std::size_t i = 0; i < messages_.size(); ++i)
    if (deleted_[i]) uids.push_back(messages_[i].uid);
  return uids;
}

std::optional<MaildropLock> MaildropLock::try_acquire(store::AccountId account) {
  std::lock_guard lock(locks_mutex());
  if (!locked_accounts().insert(account).second) return std::nullopt;
  return MaildropLock(account);
}

MaildropLock::~MaildropLock() {
  if (!held_) return;
  std::lock_guard lock(locks_mutex());
  locked_accounts().erase(account_);
}

bool MaildropLock::held(store::AccountId account) {
  std::lock_guard lock(locks_mutex());
  return locked_accounts().count(account) != 0;
}

}  // namespace postamt::pop3
