// POP-before-SMTP (as DRAC did): a successful POP3 or IMAP login from an IP address lets that address
// relay through the SMTP MX port for a configured window. A thread-safe, bounded map IP -> expiry.
#pragma once
#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace postamt::services {

class RelayGrants {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kDefaultMaxEntries = 100000;

  // window 0: POP-before-SMTP is off (grant() does nothing, allowed() is always false).
  explicit RelayGrants(std::chrono::seconds window, std::size_t max_entries = kDefaultMaxEntries);
  RelayGrants(const RelayGrants&) = delete;
  RelayGrants& operator=(const RelayGrants&) = delete;

  bool enabled() const { return window_.count() > 0; }
  std::chrono::seconds window() const { return window_; }

  // A login from `ip` ("192.0.2.7", "2001:db8::1") succeeded: it may relay until now + window.
  // Anything that is not an IP address (a unix-socket peer, "") is ignored. When the table is full,
  // expired entries are dropped first, then the entry closest to expiry.
  void grant(std::string_view ip, Clock::time_point now = Clock::now());
  // Whether `ip` holds an unexpired grant.
  bool allowed(std::string_view ip, Clock::time_point now = Clock::now()) const;
  std::size_t size() const;

 private:
  void make_room(Clock::time_point now);

  std::chrono::seconds window_;
  std::size_t max_entries_;
  mutable std::mutex mu_;
  std::map<std::string, Clock::time_point, std::less<>> expiry_;
};

}  // namespace postamt::services
