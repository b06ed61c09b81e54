// AuthThrottle: exponential delays per IP and per user (see auth_throttle.hpp).
#include "services/auth_throttle.hpp"

#include <algorithm>

namespace postamt::services {

int AuthThrottle::bump(std::map<std::string, Record, std::less<>>& table, std::string_view key,
                       Clock::time_point now) {
  auto it = table.find(key);
  if (it == table.end()) it = table.emplace(std::string(key), Record{}).first;
  if (now - it->second.last > settings_.window) it->second.count = 0;
  it->second.count++;
  it->second.last = now;
  return it->second.count;
}

void AuthThrottle::expire(Clock::time_point now) {
  // Bounded memory: drop stale records whenever the tables grow large.
  for (auto* table : {&by_ip_, &by_user_}) {
    if (table->size() < 10000) continue;
    std::erase_if(*table, [&](const auto& kv) { return now - kv.second.last > settings_.window; });
  }
}

std::chrono::milliseconds AuthThrottle::failure(std::string_view ip, std::string_view user, Clock::time_point now) {
  std::lock_guard lock(mu_);
  expire(now);
  int n = std::max(bump(by_ip_, ip, now), user.empty() ? 0 : bump(by_user_, user, now));
  auto delay = settings_.first_delay;
  for (int i = 1; i < n && delay < settings_.max_delay; ++i) delay *= 2;
  return std::min(delay, settings_.max_delay);
}

void AuthThrottle::success(std::string_view ip, std::string_view user) {
  std::lock_guard lock(mu_);
  if (auto it = by_user_.find(user); it != by_user_.end()) by_user_.erase(it);
  if (auto it = by_ip_.find(ip); it != by_ip_.end()) it->second.count = std::max(0, it->second.count - 1);
}

int AuthThrottle::failures(std::string_view ip, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = by_ip_.find(ip);
  if (it == by_ip_.end() || now - it->second.last > settings_.window) return 0;
  return it->second.count;
}

std::chrono::milliseconds record_auth_failure(AuthThrottle& throttle, const log::ConnectionLog& log, std::string_view ip,
                                              std::string_view user, std::string_view method, std::string_view reason) {
  auto delay = throttle.failure(ip, user);
  log.info("auth_failed", {{"user", user}, {"method", method}, {"reason", reason},
                           {"delay_ms", static_cast<std::int64_t>(delay.count())}});
  return delay;
}

}  // namespace postamt::services
