// Shared helpers of the load generator: options, test messages, latency statistics, IMAP command
// round trips (untagged lines and literals skipped) and the mode entry points.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "conn.hpp"

namespace bench {

struct Options {
  std::map<std::string, std::string> values;
  std::string get(const std::string& key, const std::string& fallback) const;
  long num(const std::string& key, long fallback) const;
};

// A ~size-byte RFC 5322 message with CRLF line ends; `id` makes its Message-ID unique.
std::string make_message(std::size_t size, const std::string& id);

using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Latency samples in microseconds, per operation name.
struct Latencies {
  std::map<std::string, std::vector<std::uint32_t>> by_op;
  void add(const std::string& op, Clock::time_point start);
  void merge(const Latencies& other);
  std::size_t count() const;
};
double percentile(std::vector<std::uint32_t> v, double p);  // milliseconds

// Sends `command` (without CRLF) under `tag` and reads until the tagged reply, skipping untagged
// data and literals; returns the tagged line. Lines of untagged data go to `untagged` when given.
std::string imap_command(Conn& c, const std::string& tag, const std::string& command,
                         std::vector<std::string>* untagged = nullptr);
// Reads responses until the tagged line of `tag`.
std::string imap_read_until_tagged(Conn& c, const std::string& tag, std::vector<std::string>* untagged = nullptr);
bool imap_ok(const std::string& tagged, const std::string& tag);

int run_pop3(const Options& o);
int run_imap_mix(const Options& o);
int run_imap_idle(const Options& o);
int run_lmtp(const Options& o);

}  // namespace bench
