// POP3 fetch-all (RFC 1939): USER/PASS, STAT, RETR 1..n, DELE 1..n, QUIT; prints messages/s.
#include <cstdio>
#include <stdexcept>

#include "common.hpp"

namespace bench {
namespace {
std::string ok(Conn& c, const std::string& what) {
  std::string line = c.read_line();
  if (line.rfind("+OK", 0) != 0) throw std::runtime_error(what + ": " + line);
  return line;
}
}  // namespace

int run_pop3(const Options& o) {
  Conn c(o.get("host", "127.0.0.1"), static_cast<int>(o.num("port", 995)), true);
  ok(c, "greeting");
  auto start = Clock::now();
  c.write("USER " + o.get("user", "") + "\r\n");
  ok(c, "USER");
  c.write("PASS " + o.get("pass", "") + "\r\n");
  ok(c, "PASS");
  c.write("STAT\r\n");
  long count = 0;
  std::sscanf(ok(c, "STAT").c_str(), "+OK %ld", &count);
  std::size_t bytes = 0;
  for (long i = 1; i <= count; ++i) {
    c.write("RETR " + std::to_string(i) + "\r\n");
    ok(c, "RETR");
    bytes += c.read_dot_terminated();
  }
  double retr_secs = seconds_since(start);
  for (long i = 1; i <= count; ++i) {
    c.write("DELE " + std::to_string(i) + "\r\n");
    ok(c, "DELE");
  }
  c.write("QUIT\r\n");
  ok(c, "QUIT");
  double secs = seconds_since(start);
  std::printf("messages=%ld bytes=%zu login_retr_seconds=%.3f seconds=%.3f msgs_per_s=%.1f\n", count, bytes,
              retr_secs, secs, count / secs);
  return count == o.num("expect", count) ? 0 : 1;
}

}  // namespace bench
