// IMAP client mix (RFC 9051/3501 commands a mail client issues all day), N users in parallel, each on
// its own account: LOGIN, SELECT INBOX, then rounds of NOOP, FETCH 1:* (FLAGS ENVELOPE),
// FETCH n BODY.PEEK[], STORE n ±FLAGS (\Seen), UID SEARCH UNSEEN, APPEND (UIDPLUS) of a small message
// which is then flagged \Deleted and UID EXPUNGEd (so the mailbox keeps its size), and a brief IDLE;
// every `relogin` rounds the client logs out and connects again. Prints operations/s and p99 latency.
#include <atomic>
#include <cstdio>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common.hpp"

namespace bench {
namespace {

struct Shared {
  explicit Shared(const Options& opts) : o(opts) {}
  const Options& o;
  Clock::time_point record_from, stop_at;
  std::mutex mu;
  Latencies all;
  std::atomic<long> errors{0};
};

class Client {
 public:
  Client(Shared& s, int user) : s_(s), user_(user), rng_(static_cast<unsigned>(user) * 7919u) {}

  void run() {
    Latencies lat;
    const long relogin = s_.o.num("relogin", 10);
    try {
      while (Clock::now() < s_.stop_at) {
        connect(lat);
        for (long round = 0; round < relogin && Clock::now() < s_.stop_at; ++round) one_round(lat);
        timed(lat, "logout", [&] { cmd("LOGOUT"); });
        conn_.reset();
      }
    } catch (const std::exception& e) {
      if (s_.errors++ < 5) std::fprintf(stderr, "user %d: %s\n", user_, e.what());
    }
    std::lock_guard lock(s_.mu);
    s_.all.merge(lat);
  }

 private:
  template <class F>
  void timed(Latencies& lat, const char* op, F&& f) {
    auto t = Clock::now();
    f();
    if (t >= s_.record_from && Clock::now() <= s_.stop_at) lat.add(op, t);
  }

  std::string cmd(const std::string& command, std::vector<std::string>* untagged = nullptr) {
    std::string tag = "a" + std::to_string(++tag_);
    std::string r = imap_command(*conn_, tag, command, untagged);
    if (!imap_ok(r, tag)) throw std::runtime_error(command.substr(0, 40) + " -> " + r);
    return r;
  }

  void connect(Latencies& lat) {
    timed(lat, "login", [&] {
      conn_ = std::make_unique<Conn>(s_.o.get("host", "127.0.0.1"), static_cast<int>(s_.o.num("port", 993)), true);
      conn_->read_line();
      cmd("LOGIN bench" + std::to_string(user_) + "@" + s_.o.get("domain", "example.test") + " " +
          s_.o.get("pass", ""));
    });
    timed(lat, "select", [&] {
      std::vector<std::string> u;
      cmd("SELECT INBOX", &u);
      exists_ = 0;
      for (const auto& l : u) {
        if (l.size() > 9 && l.compare(l.size() - 7, 7, " EXISTS") == 0) exists_ = std::strtol(l.c_str() + 2, nullptr, 10);
      }
      if (exists_ == 0) throw std::runtime_error("INBOX is empty");
    });
  }

  long random_msg() { return std::uniform_int_distribution<long>(1, exists_)(rng_); }

  void one_round(Latencies& lat) {
    timed(lat, "noop", [&] { cmd("NOOP"); });
    timed(lat, "fetch_envelopes", [&] { cmd("FETCH 1:* (FLAGS ENVELOPE)"); });
    for (int i = 0; i < 3; ++i)
      timed(lat, "fetch_body", [&] { cmd("FETCH " + std::to_string(random_msg()) + " BODY.PEEK[]"); });
    timed(lat, "store", [&] {
      cmd("STORE " + std::to_string(random_msg()) + ((++flips_ & 1) ? " +FLAGS (\\Seen)" : " -FLAGS (\\Seen)"));
    });
    timed(lat, "uid_search", [&] { cmd("UID SEARCH UNSEEN"); });
    std::string uid;
    timed(lat, "append", [&] {
      std::string msg = make_message(1500, "append" + std::to_string(user_) + "." + std::to_string(tag_));
      std::string tag = "a" + std::to_string(++tag_);
      // RFC 7888 LITERAL+: no continuation round trip.
      conn_->write(tag + " APPEND INBOX (\\Seen) {" + std::to_string(msg.size()) + "+}\r\n" + msg + "\r\n");
      std::string r = imap_read_until_tagged(*conn_, tag);
      auto at = r.find("[APPENDUID ");
      if (!imap_ok(r, tag) || at == std::string::npos) throw std::runtime_error("APPEND -> " + r);
      auto sp = r.find(' ', at + 11);
      uid = r.substr(sp + 1, r.find(']', sp) - sp - 1);
    });
    timed(lat, "uid_store_deleted", [&] { cmd("UID STORE " + uid + " +FLAGS.SILENT (\\Deleted)"); });
    timed(lat, "uid_expunge", [&] { cmd("UID EXPUNGE " + uid); });  // RFC 4315 §2.1
    timed(lat, "idle", [&] {
      std::string tag = "a" + std::to_string(++tag_);
      conn_->write(tag + " IDLE\r\n");
      for (std::string l; (l = conn_->read_line()).rfind("+", 0) != 0;) {
      }
      conn_->write("DONE\r\n");
      if (!imap_ok(imap_read_until_tagged(*conn_, tag), tag)) throw std::runtime_error("IDLE failed");
    });
  }

  Shared& s_;
  int user_;
  std::mt19937 rng_;
  std::unique_ptr<Conn> conn_;
  long tag_ = 0, exists_ = 0, flips_ = 0;
};

}  // namespace

int run_imap_mix(const Options& o) {
  const int users = static_cast<int>(o.num("users", 50));
  const double seconds = static_cast<double>(o.num("seconds", 20));
  const double warmup = static_cast<double>(o.num("warmup", 2));
  Shared s(o);
  auto start = Clock::now();
  s.record_from = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(warmup));
  s.stop_at = s.record_from + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> threads;
  std::vector<std::unique_ptr<Client>> clients;
  for (int u = 1; u <= users; ++u) clients.push_back(std::make_unique<Client>(s, u));
  for (auto& c : clients) threads.emplace_back([&c] { c->run(); });
  for (auto& t : threads) t.join();
  std::vector<std::uint32_t> every;
  for (const auto& [op, v] : s.all.by_op) {
    every.insert(every.end(), v.begin(), v.end());
    std::fprintf(stderr, "  %-18s n=%-7zu p50=%7.2fms p99=%7.2fms\n", op.c_str(), v.size(), percentile(v, 0.5),
                 percentile(v, 0.99));
  }
  std::printf("ops=%zu errors=%ld seconds=%.1f ops_per_s=%.1f p50_ms=%.2f p99_ms=%.2f\n", every.size(),
              s.errors.load(), seconds, every.size() / seconds, percentile(every, 0.5), percentile(every, 0.99));
  return s.errors == 0 ? 0 : 1;
}

}  // namespace bench
