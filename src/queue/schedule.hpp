// Retry timing of the outbound queue: exponential backoff from retry_initial doubling up to retry_max
// (RFC 5321 §4.5.4.1: at least 30 minutes is suggested for real peers; tests use seconds), and expiry
// after max_age (RFC 5321 §4.5.4.1: "at least 4-5 days").
#pragma once
#include <cstdint>

#include "common/config.hpp"

namespace postamt::queue {

// Seconds to wait after the `attempts`-th failed attempt (attempts >= 1).
std::int64_t retry_delay(const config::QueueConfig& q, int attempts);
// Whether a message created at `created` has been in the queue too long at `now`.
bool expired(const config::QueueConfig& q, std::int64_t created, std::int64_t now);

}  // namespace postamt::queue
