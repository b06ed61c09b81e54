// Global and per-IP connection counting (see connection_limits.hpp).
#include "net/connection_limits.hpp"

namespace postamt::net {

ConnectionLimits::ConnectionLimits(std::uint32_t max_total, std::uint32_t max_per_ip)
    : max_total_(max_total), max_per_ip_(max_per_ip) {}

ConnectionLimits::Verdict ConnectionLimits::acquire(const std::string& ip) {
  std::lock_guard lock(mutex_);
  if (max_total_ != 0 && total_ >= max_total_) return Verdict::TooMany;
  if (ip.empty()) {
    ++total_;
    return Verdict::Ok;
  }
  auto& n = per_ip_[ip];
  if (max_per_ip_ != 0 && n >= max_per_ip_) return Verdict::TooManyFromIp;
  ++n;
  ++total_;
  return Verdict::Ok;
}

void ConnectionLimits::release(const std::string& ip) {
  std::lock_guard lock(mutex_);
  if (ip.empty()) {
    if (total_ > 0) --total_;
    return;
  }
  auto it = per_ip_.find(ip);
  if (it == per_ip_.end() || it->second == 0) return;
  if (--it->second == 0) per_ip_.erase(it);
  --total_;
}

std::size_t ConnectionLimits::total() const {
  std::lock_guard lock(mutex_);
  return total_;
}

std::size_t ConnectionLimits::from(const std::string& ip) const {
  std::lock_guard lock(mutex_);
  auto it = per_ip_.find(ip);
  return it == per_ip_.end() ? 0 : it->second;
}

}  // namespace postamt::net
