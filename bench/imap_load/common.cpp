// Options, test messages, latency statistics and IMAP round trips (see common.hpp).
#include "common.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace bench {

std::string Options::get(const std::string& key, const std::string& fallback) const {
  auto it = values.find(key);
  return it == values.end() ? fallback : it->second;
}

long Options::num(const std::string& key, long fallback) const {
  auto it = values.find(key);
  return it == values.end() ? fallback : std::strtol(it->second.c_str(), nullptr, 10);
}

std::string make_message(std::size_t size, const std::string& id) {
  std::string m =
      "From: Bench Sender <sender@example.test>\r\nTo: demo@example.test\r\n"
      "Subject: bench message " + id + "\r\nMessage-ID: <" + id + "@example.test>\r\n"
      "Date: Tue, 24 Nov 2026 12:00:00 +0000\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=us-ascii\r\n\r\n";
  const std::string line = "The quick brown fox jumps over the lazy dog, again and again and again.\r\n";
  while (m.size() + line.size() <= size) m += line;
  return m;
}

void Latencies::add(const std::string& op, Clock::time_point start) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
  by_op[op].push_back(static_cast<std::uint32_t>(us));
}

void Latencies::merge(const Latencies& other) {
  for (const auto& [op, v] : other.by_op) by_op[op].insert(by_op[op].end(), v.begin(), v.end());
}

std::size_t Latencies::count() const {
  std::size_t n = 0;
  for (const auto& [op, v] : by_op) n += v.size();
  return n;
}

double percentile(std::vector<std::uint32_t> v, double p) {
  if (v.empty()) return 0;
  std::size_t k = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size()))) - 1;
  k = std::min(k, v.size() - 1);
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k] / 1000.0;
}

// A line ending in {n} or {n+} announces a literal of n bytes, after which the line continues.
static long literal_size(const std::string& line) {
  if (line.empty() || line.back() != '}') return -1;
  auto open = line.rfind('{');
  if (open == std::string::npos) return -1;
  std::string n = line.substr(open + 1, line.size() - open - 2);
  if (!n.empty() && n.back() == '+') n.pop_back();
  if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::strtol(n.c_str(), nullptr, 10);
}

std::string imap_read_until_tagged(Conn& c, const std::string& tag, std::vector<std::string>* untagged) {
  const std::string prefix = tag + " ";
  for (;;) {
    std::string line = c.read_line();
    if (line.compare(0, prefix.size(), prefix) == 0) return line;
    std::string whole = line;
    for (long n; (n = literal_size(line)) >= 0;) {
      c.read_exact(static_cast<std::size_t>(n));
      line = c.read_line();
      if (untagged) whole += line;
    }
    if (untagged) untagged->push_back(std::move(whole));
  }
}

std::string imap_command(Conn& c, const std::string& tag, const std::string& command,
                         std::vector<std::string>* untagged) {
  c.write(tag + " " + command + "\r\n");
  return imap_read_until_tagged(c, tag, untagged);
}

bool imap_ok(const std::string& tagged, const std::string& tag) {
  return tagged.compare(0, tag.size() + 4, tag + " OK ") == 0 || tagged == tag + " OK";
}

}  // namespace bench
