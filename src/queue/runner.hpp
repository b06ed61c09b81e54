// The queue's delivery workers (started by `serve`): a scheduler thread picks due jobs (one message,
// one destination domain), bounded by [queue] workers in all and concurrency_per_destination per
// domain; a worker resolves the route (smarthost, or MX per RFC 5321 §5.1), tries the hosts in
// order with the SMTP client, records each recipient's result, reschedules temporary failures with
// exponential backoff and turns permanent failures and expiry into an RFC 3464 bounce to the sender
// (never to the null sender; NOTIFY=NEVER or without FAILURE honoured, RFC 3461 §4.1).
#pragma once
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/config.hpp"
#include "dns/resolver.hpp"
#include "queue/dsn.hpp"
#include "queue/store.hpp"

namespace boost::asio::ssl {
class context;
}

namespace postamt::queue {
namespace mta_sts {
class Cache;
class Lookup;
}  // namespace mta_sts

struct LocalOutcome {
  enum class Kind { Delivered, Permanent, Temporary };
  std::string address;
  Kind kind = Kind::Temporary;
  std::string reason;  // "550 5.1.1 ..." style text for the DSN
};

struct RunnerHooks {
  // Whether mail for this domain is ours: such recipients (bounces to local senders) go through
  // deliver_local, never SMTP.
  std::function<bool(const std::string& domain)> is_local_domain;
  std::function<std::vector<LocalOutcome>(const std::string& sender, const std::vector<std::string>& recipients,
                                          std::string_view raw)>
      deliver_local;
};

class Runner {
 public:
  // `resolver` answers DNS for MX routing; `hostname` is EHLO name and Reporting-MTA.
  Runner(QueueStore& store, const config::QueueConfig& config, std::string hostname,
         std::shared_ptr<dns::Resolver> resolver, RunnerHooks hooks);
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  void start();
  // Stops scheduling, waits for running attempts to end (each is bounded by its timeouts).
  void stop();
  // A new message was queued: look for due work now instead of at the next poll.
  void wake();

  // An open SMTP connection kept for the next message to the same domain (connection reuse).
  struct Cached;
  // Messages sent over one connection before it is closed.
  static constexpr std::size_t kMaxReuse = 50;

  // One delivery attempt of one job, synchronously (the workers' body; tests call it directly).
  // With `cache`, an open connection to the job's domain is used first and a new one is kept there.
  void attempt(const Job& job);
  void attempt(const Job& job, std::unique_ptr<Cached>& cache);

  // The MTA-STS discovery (nullptr when [queue] mta_sts = false); tests change its port.
  mta_sts::Lookup* mta_sts_lookup() { return sts_.get(); }

 private:
  void schedule_loop();
  void worker_loop();
  void bounce(const MessageInfo& m, const std::vector<RecipientInfo>& failed, bool expired_now);
  // NOTIFY=SUCCESS: "delivered" (local) or "relayed" (to a peer without DSN) reports, RFC 3461 §6.2.
  void report_success(const MessageInfo& m, const std::vector<std::pair<RecipientInfo, std::string>>& done);
  void send_dsn(const MessageInfo& m, DsnInput& in);
  // Another due job for `domain` not yet in flight, marked in flight; nullopt when none.
  std::optional<Job> claim_next(const std::string& domain);

  QueueStore& store_;
  config::QueueConfig config_;
  std::string hostname_;
  std::shared_ptr<dns::Resolver> resolver_;
  RunnerHooks hooks_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  // MTA-STS (RFC 8461) when [queue] mta_sts: the policy hosts' trust store, the cache, the discovery.
  std::unique_ptr<boost::asio::ssl::context> sts_tls_;
  std::unique_ptr<mta_sts::Cache> sts_cache_;
  std::unique_ptr<mta_sts::Lookup> sts_;

  std::mutex mu_;
  std::condition_variable cv_;        // scheduler wake-ups
  std::condition_variable work_cv_;   // workers
  std::deque<Job> ready_;
  std::set<std::string> in_flight_;   // "message_id domain"
  std::map<std::string, int> per_domain_;
  std::size_t busy_ = 0;
  bool stopping_ = false;
  std::atomic<bool> cancel_{false};  // aborts running SMTP attempts on stop()
  bool woken_ = false;
  std::thread scheduler_;
  std::vector<std::thread> workers_;
};

// The process-wide queue `serve` opened, for the SMTP sessions (nullptr when none: remote recipients
// are then refused with 451). Set once before the listeners start.
QueueStore* shared_store();
Runner* shared_runner();
void set_shared(QueueStore* store, Runner* runner);

}  // namespace postamt::queue
