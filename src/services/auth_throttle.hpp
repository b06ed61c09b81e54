// Throttling of failed authentication (password guessing): per client IP and per user name, each
// failure within the window doubles the delay before the next answer, up to a ceiling; a success
// clears the user's record. Sessions wait the returned delay before replying "authentication failed".
#pragma once
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "common/log.hpp"

namespace postamt::services {

class AuthThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  struct Settings {
    std::chrono::milliseconds first_delay{500};
    std::chrono::milliseconds max_delay{15000};
    std::chrono::seconds window{900};  // failures older than this are forgotten
  };
  AuthThrottle() = default;
  explicit AuthThrottle(Settings s) : settings_(s) {}

  // Records a failure and returns how long to wait before answering it.
  std::chrono::milliseconds failure(std::string_view ip, std::string_view user, Clock::time_point now = Clock::now());
  void success(std::string_view ip, std::string_view user);
  // Failures currently counted for this ip (for logs and tests).
  int failures(std::string_view ip, Clock::time_point now = Clock::now());

 private:
  struct Record {
    int count = 0;
    Clock::time_point last;
  };
  int bump(std::map<std::string, Record, std::less<>>& table, std::string_view key, Clock::time_point now);
  void expire(Clock::time_point now);

  Settings settings_;
  std::mutex mu_;
  std::map<std::string, Record, std::less<>> by_ip_, by_user_;
};

// A failed login in any protocol: recorded with the throttle and logged as event=auth_failed with
// the delay, which the session then waits before answering.
std::chrono::milliseconds record_auth_failure(AuthThrottle& throttle, const log::ConnectionLog& log, std::string_view ip,
                                              std::string_view user, std::string_view method, std::string_view reason);

}  // namespace postamt::services
