// Connection admission: a global maximum and a per-client-IP maximum ([limits] max_connections,
// max_connections_per_ip). Thread-safe; every successful acquire() is paired with one release().
#pragma once
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace postamt::net {

class ConnectionLimits {
 public:
  enum class Verdict { Ok, TooMany, TooManyFromIp };

  ConnectionLimits(std::uint32_t max_total, std::uint32_t max_per_ip);  // 0 = unlimited
  // ip "" (a unix-domain socket peer) counts only against the total.
  Verdict acquire(const std::string& ip);
  void release(const std::string& ip);
  std::size_t total() const;
  std::size_t from(const std::string& ip) const;

 private:
  std::uint32_t max_total_, max_per_ip_;
  mutable std::mutex mutex_;
  std::size_t total_ = 0;
  std::unordered_map<std::string, std::uint32_t> per_ip_;
};

}  // namespace postamt::net
