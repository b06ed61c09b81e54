// In-process publish/subscribe of store change events (DESIGN.md "Changes are events"): every store
// write's Changes are published here so other sessions of the same account (IMAP IDLE/NOOP, POP3)
// learn about them. Across processes and nodes a later backend rides on PostgreSQL LISTEN/NOTIFY.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "store/types.hpp"

namespace postamt::services {

class ChangeBus {
 public:
  // Called on the publisher's thread: keep it short and thread-safe (post to your own executor).
  using Callback = std::function<void(const store::Change&)>;

  class Subscription {
   public:
    Subscription(ChangeBus& bus, store::AccountId account, std::uint64_t id) : bus_(bus), account_(account), id_(id) {}
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    ~Subscription() { bus_.unsubscribe(account_, id_); }

   private:
    ChangeBus& bus_;
    store::AccountId account_;
    std::uint64_t id_;
  };

  // Receives every change of `account` until the Subscription is destroyed.
  std::unique_ptr<Subscription> subscribe(store::AccountId account, Callback callback);
  void publish(const store::Changes& changes);
  std::size_t subscribers() const;
  // Counts the publications that carried changes of `account` (0 before the first). A session that
  // saw the same generation at its last store read knows no in-process write happened since, so it
  // can skip re-reading the mailbox (writes by other processes are polled for separately).
  std::uint64_t generation(store::AccountId account) const;

 private:
  void unsubscribe(store::AccountId account, std::uint64_t id);

  mutable std::mutex mu_;
  std::uint64_t next_id_ = 1;
  // By account, so a change costs its account's subscribers only (thousands of idle sessions of
  // other users are not visited).
  std::map<store::AccountId, std::map<std::uint64_t, std::shared_ptr<Callback>>> subscribers_;
  std::map<store::AccountId, std::uint64_t> generations_;  // one entry per account ever changed
};

}  // namespace postamt::services
