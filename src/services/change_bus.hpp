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
    Subscription(ChangeBus& bus, std::uint64_t id) : bus_(bus), id_(id) {}
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    ~Subscription() { bus_.unsubscribe(id_); }

   private:
    ChangeBus& bus_;
    std::uint64_t id_;
  };

  // Receives every change of `account` until the Subscription is destroyed.
  std::unique_ptr<Subscription> subscribe(store::AccountId account, Callback callback);
  void publish(const store::Changes& changes);

 private:
  void unsubscribe(std::uint64_t id);

  struct Entry {
    store::AccountId account;
    std::shared_ptr<Callback> callback;
  };
  std::mutex mu_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, Entry> subscribers_;
};

}  // namespace postamt::services
