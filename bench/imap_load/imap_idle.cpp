// Idle connections: opens `count` TLS connections spread over `users` accounts, each LOGIN, SELECT
// INBOX and IDLE (RFC 2177), prints "connected=N failed=M" and holds them until stdin closes.
#include <atomic>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common.hpp"

namespace bench {

int run_imap_idle(const Options& o) {
  const long count = o.num("count", 10000);
  const long users = o.num("users", 50);
  const int nthreads = static_cast<int>(o.num("threads", 8));
  std::atomic<long> next{0}, failed{0};
  std::mutex mu;
  std::vector<std::unique_ptr<Conn>> held;
  held.reserve(static_cast<std::size_t>(count));
  std::vector<std::thread> threads;
  auto start = Clock::now();
  for (int t = 0; t < nthreads; ++t) {
    threads.emplace_back([&] {
      for (long i; (i = next++) < count;) {
        try {
          auto c = std::make_unique<Conn>(o.get("host", "127.0.0.1"), static_cast<int>(o.num("port", 993)), true);
          c->read_line();
          std::string user = "bench" + std::to_string(i % users + 1) + "@" + o.get("domain", "example.test");
          if (!imap_ok(imap_command(*c, "a1", "LOGIN " + user + " " + o.get("pass", "")), "a1"))
            throw std::runtime_error("LOGIN refused");
          if (!imap_ok(imap_command(*c, "a2", "SELECT INBOX"), "a2")) throw std::runtime_error("SELECT refused");
          c->write("a3 IDLE\r\n");
          for (std::string l; (l = c->read_line()).rfind("+", 0) != 0;) {
          }
          std::lock_guard lock(mu);
          held.push_back(std::move(c));
        } catch (const std::exception& e) {
          if (failed++ < 3) std::fprintf(stderr, "idle connection %ld: %s\n", i, e.what());
          if (failed > 50) return;  // the server or the machine is at its limit: stop trying
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  std::printf("connected=%zu failed=%ld seconds=%.1f\n", held.size(), failed.load(), seconds_since(start));
  std::fflush(stdout);
  char buf[256];
  while (std::fgets(buf, sizeof buf, stdin)) {
  }
  return 0;
}

}  // namespace bench
