// LMTP delivery load (RFC 2033): K senders, each on one connection, MAIL/RCPT/DATA per 4 KB message,
// recipients spread over <rcpt-prefix>1..<rcpt-prefix>N; prints messages/s (a message counts once its 250 arrives).
#include <atomic>
#include <cstdio>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common.hpp"

namespace bench {
namespace {
std::string reply(Conn& c) {  // multi-line replies: "250-..." lines then "250 ..."
  for (;;) {
    std::string line = c.read_line();
    if (line.size() < 4 || line[3] != '-') return line;
  }
}
void expect(Conn& c, char digit, const std::string& what) {
  std::string r = reply(c);
  if (r.empty() || r[0] != digit) throw std::runtime_error(what + ": " + r);
}
}  // namespace

int run_lmtp(const Options& o) {
  const int senders = static_cast<int>(o.num("senders", 10));
  const long messages = o.num("messages", 1000);
  const long users = o.num("users", 50);
  const std::size_t size = static_cast<std::size_t>(o.num("size", 4096));
  const std::string domain = o.get("domain", "example.test");
  const std::string prefix = o.get("prefix", "lmtp");
  const std::string local = o.get("rcpt-prefix", "bench");
  std::atomic<long> next{0}, done{0}, errors{0};
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < senders; ++t) {
    threads.emplace_back([&] {
      try {
        Conn c(o.get("host", "127.0.0.1"), static_cast<int>(o.num("port", 24)), false);
        expect(c, '2', "greeting");
        c.write("LHLO bench.test\r\n");
        expect(c, '2', "LHLO");
        for (long i; (i = next++) < messages;) {
          std::string rcpt = local + std::to_string(i % users + 1) + "@" + domain;
          std::string msg = make_message(size, prefix + std::to_string(i));
          // RFC 2920 pipelining of MAIL/RCPT/DATA (both servers offer PIPELINING).
          c.write("MAIL FROM:<sender@example.test>\r\nRCPT TO:<" + rcpt + ">\r\nDATA\r\n");
          expect(c, '2', "MAIL");
          expect(c, '2', "RCPT");
          expect(c, '3', "DATA");
          c.write(msg + ".\r\n");
          expect(c, '2', "end of data");
          ++done;
        }
        c.write("QUIT\r\n");
      } catch (const std::exception& e) {
        if (errors++ < 3) std::fprintf(stderr, "lmtp sender: %s\n", e.what());
      }
    });
  }
  for (auto& th : threads) th.join();
  double secs = seconds_since(start);
  std::printf("messages=%ld errors=%ld seconds=%.3f msgs_per_s=%.1f\n", done.load(), errors.load(), secs,
              done / secs);
  return errors == 0 ? 0 : 1;
}

}  // namespace bench
