// ChangeBus: subscribers keyed by account; callbacks run outside the lock (see change_bus.hpp).
#include "services/change_bus.hpp"

#include <vector>

namespace postamt::services {

std::unique_ptr<ChangeBus::Subscription> ChangeBus::subscribe(store::AccountId account, Callback callback) {
  std::lock_guard lock(mu_);
  std::uint64_t id = next_id_++;
  subscribers_.emplace(id, Entry{account, std::make_shared<Callback>(std::move(callback))});
  return std::make_unique<Subscription>(*this, id);
}

void ChangeBus::unsubscribe(std::uint64_t id) {
  std::lock_guard lock(mu_);
  subscribers_.erase(id);
}

void ChangeBus::publish(const store::Changes& changes) {
  if (changes.empty()) return;
  for (const auto& change : changes) {
    std::vector<std::shared_ptr<Callback>> targets;
    {
      std::lock_guard lock(mu_);
      for (const auto& [id, entry] : subscribers_)
        if (entry.account == change.account) targets.push_back(entry.callback);
    }
    for (const auto& cb : targets) (*cb)(change);
  }
}

}  // namespace postamt::services
