// ChangeBus: subscribers keyed by account; callbacks run outside the lock (see change_bus.hpp).
#include "services/change_bus.hpp"

#include <vector>

namespace postamt::services {

std::unique_ptr<ChangeBus::Subscription> ChangeBus::subscribe(store::AccountId account, Callback callback) {
  std::lock_guard lock(mu_);
  std::uint64_t id = next_id_++;
  subscribers_[account].emplace(id, std::make_shared<Callback>(std::move(callback)));
  return std::make_unique<Subscription>(*this, account, id);
}

void ChangeBus::unsubscribe(store::AccountId account, std::uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = subscribers_.find(account);
  if (it == subscribers_.end()) return;
  it->second.erase(id);
  if (it->second.empty()) subscribers_.erase(it);
}

std::size_t ChangeBus::subscribers() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [account, callbacks] : subscribers_) n += callbacks.size();
  return n;
}

std::uint64_t ChangeBus::generation(store::AccountId account) const {
  std::lock_guard lock(mu_);
  auto it = generations_.find(account);
  return it == generations_.end() ? 0 : it->second;
}

void ChangeBus::publish(const store::Changes& changes) {
  if (changes.empty()) return;
  std::vector<std::shared_ptr<Callback>> targets;
  store::AccountId targets_of = 0;
  bool have_targets = false;
  for (const auto& change : changes) {
    if (!have_targets || targets_of != change.account) {
      // Changes come grouped by account: look the subscribers up once per run of one account.
      targets.clear();
      std::lock_guard lock(mu_);
      ++generations_[change.account];  // before the callbacks: a woken session sees the new generation
      if (auto it = subscribers_.find(change.account); it != subscribers_.end())
        for (const auto& [id, callback] : it->second) targets.push_back(callback);
      targets_of = change.account;
      have_targets = true;
    }
    for (const auto& cb : targets) (*cb)(change);
  }
}

}  // namespace postamt::services
