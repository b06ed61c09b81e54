// Exponential backoff and expiry of queued recipients.
#include "queue/schedule.hpp"

#include <algorithm>

namespace postamt::queue {

std::int64_t retry_delay(const config::QueueConfig& q, int attempts) {
  std::int64_t delay = std::max<std::int64_t>(1, q.retry_initial_seconds);
  std::int64_t max = std::max<std::int64_t>(delay, q.retry_max_seconds);
  for (int i = 1; i < attempts && delay < max; ++i) delay *= 2;
  return std::min(delay, max);
}

bool expired(const config::QueueConfig& q, std::int64_t created, std::int64_t now) {
  return now - created >= static_cast<std::int64_t>(q.max_age_seconds);
}

}  // namespace postamt::queue
