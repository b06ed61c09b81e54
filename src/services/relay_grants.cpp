// RelayGrants: POP-before-SMTP relay permission per client IP (see relay_grants.hpp).
#include "services/relay_grants.hpp"

#include <algorithm>

#include "common/config.hpp"

namespace postamt::services {

RelayGrants::RelayGrants(std::chrono::seconds window, std::size_t max_entries)
    : window_(std::max(window, std::chrono::seconds(0))), max_entries_(std::max<std::size_t>(max_entries, 1)) {}

void RelayGrants::make_room(Clock::time_point now) {
  std::erase_if(expiry_, [&](const auto& kv) { return kv.second <= now; });
  if (expiry_.size() < max_entries_) return;
  auto oldest = std::min_element(expiry_.begin(), expiry_.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
  expiry_.erase(oldest);
}

void RelayGrants::grant(std::string_view ip, Clock::time_point now) {
  if (!enabled()) return;
  // Only real addresses, one prefix-less host each ("unix" or a malformed string never relays).
  auto net = config::parse_network(ip);
  if (!net || ip.find('/') != std::string_view::npos) return;
  std::lock_guard lock(mu_);
  auto it = expiry_.find(ip);
  if (it != expiry_.end()) {
    it->second = now + window_;
    return;
  }
  if (expiry_.size() >= max_entries_) make_room(now);
  expiry_.emplace(std::string(ip), now + window_);
}

bool RelayGrants::allowed(std::string_view ip, Clock::time_point now) const {
  if (!enabled()) return false;
  std::lock_guard lock(mu_);
  auto it = expiry_.find(ip);
  return it != expiry_.end() && now < it->second;
}

std::size_t RelayGrants::size() const {
  std::lock_guard lock(mu_);
  return expiry_.size();
}

}  // namespace postamt::services
