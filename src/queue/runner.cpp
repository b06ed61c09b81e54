// Scheduling, routing, SMTP attempts, result bookkeeping and bounces of the outbound queue.
#include "queue/runner.hpp"

#include <boost/asio/ssl/context.hpp>
#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>

#include "common/log.hpp"
#include "common/strings.hpp"
#include "dns/mx.hpp"
#include "queue/dsn.hpp"
#include "queue/mta_sts.hpp"
#include "queue/mta_sts_cache.hpp"
#include "queue/mta_sts_lookup.hpp"
#include "queue/schedule.hpp"
#include "smtp/client/client.hpp"

namespace postamt::queue {
namespace {

std::atomic<QueueStore*> g_store{nullptr};
std::atomic<Runner*> g_runner{nullptr};

std::int64_t now_s() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::string key(const Job& j) { return j.message_id + " " + j.domain; }

// RFC 3461 §4.1: without NOTIFY the default is FAILURE (and maybe DELAY); NEVER suppresses all.
bool notify_failure(const std::string& notify) {
  if (notify.empty()) return true;
  return str::to_upper(notify).find("FAILURE") != std::string::npos;
}

struct Outcome {
  enum class Kind { Delivered, Permanent, Temporary } kind = Kind::Temporary;
  std::string reply;
  std::string remote_mta;
  std::string success_action;  // "delivered" (local) or "relayed" (peer without DSN); "" when the peer reports
};

bool notify_success(const std::string& notify) { return str::to_upper(notify).find("SUCCESS") != std::string::npos; }

Outcome from_reply(const smtp::client::ServerReply& r, const std::string& host) {
  Outcome o;
  o.reply = r.str();
  o.remote_mta = host;
  o.kind = r.positive() ? Outcome::Kind::Delivered : r.permanent() ? Outcome::Kind::Permanent : Outcome::Kind::Temporary;
  return o;
}

// "host" or "host:port" / "[v6]:port".
std::pair<std::string, std::uint16_t> split_host_port(const std::string& s, std::uint16_t default_port) {
  std::string host = s;
  std::uint16_t port = default_port;
  auto colon = s.rfind(':');
  bool bracket = !s.empty() && s.front() == '[';
  if (colon != std::string::npos && (bracket ? s.find(']') < colon : s.find(':') == colon)) {
    host = s.substr(0, colon);
    try {
      port = static_cast<std::uint16_t>(std::stoul(s.substr(colon + 1)));
    } catch (const std::exception&) {
    }
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return {host, port};
}

// The original message for a DSN, or a note when its file cannot be read.
std::string original_or_note(QueueStore& store, const std::string& id) {
  try {
    return store.read_message(id);
  } catch (const std::exception&) {
    return "X-Postamt-Note: the original message could not be read from the queue\r\n\r\n";
  }
}

}  // namespace

struct Runner::Cached {
  std::unique_ptr<smtp::client::Session> session;
  std::string domain;
  std::string mta;  // "host [address]"
};

QueueStore* shared_store() { return g_store.load(); }
Runner* shared_runner() { return g_runner.load(); }
void set_shared(QueueStore* store, Runner* runner) {
  g_store.store(store);
  g_runner.store(runner);
}

Runner::Runner(QueueStore& store, const config::QueueConfig& config, std::string hostname,
               std::shared_ptr<dns::Resolver> resolver, RunnerHooks hooks)
    : store_(store), config_(config), hostname_(std::move(hostname)), resolver_(std::move(resolver)),
      hooks_(std::move(hooks)) {
  tls_ = std::make_unique<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(tls_->native_handle(), TLS1_2_VERSION);
  if (!config_.tls_ca_file.empty()) {
    tls_->load_verify_file(config_.tls_ca_file.string());
  } else {
    tls_->set_default_verify_paths();
  }
  if (config_.mta_sts) {
    sts_tls_ = std::make_unique<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(sts_tls_->native_handle(), TLS1_2_VERSION);
    if (!config_.mta_sts_ca_file.empty()) {
      sts_tls_->load_verify_file(config_.mta_sts_ca_file.string());
    } else {
      sts_tls_->set_default_verify_paths();
    }
    sts_cache_ = std::make_unique<mta_sts::Cache>(store_.dir() / "queue.sqlite");
    sts_ = std::make_unique<mta_sts::Lookup>(*resolver_, *sts_cache_, *sts_tls_);
  }
}

Runner::~Runner() { stop(); }

void Runner::start() {
  std::lock_guard lock(mu_);
  if (scheduler_.joinable()) return;
  stopping_ = false;
  cancel_ = false;
  for (std::uint32_t i = 0; i < std::max<std::uint32_t>(1, config_.workers); ++i)
    workers_.emplace_back([this] { worker_loop(); });
  scheduler_ = std::thread([this] { schedule_loop(); });
}

void Runner::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cancel_ = true;
  cv_.notify_all();
  work_cv_.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
  for (auto& w : workers_)
    if (w.joinable()) w.join();
  workers_.clear();
}

void Runner::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void Runner::schedule_loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    woken_ = false;
    std::size_t capacity = config_.workers > busy_ + ready_.size() ? config_.workers - busy_ - ready_.size() : 0;
    if (capacity > 0) {
      lock.unlock();
      std::vector<Job> jobs;
      try {
        jobs = store_.due(now_s(), capacity * 4 + 16);
      } catch (const std::exception& e) {
        log::error("queue_scan_failed", {{"error", e.what()}});
      }
      lock.lock();
      for (const auto& j : jobs) {
        if (config_.workers <= busy_ + ready_.size()) break;
        if (in_flight_.count(key(j))) continue;
        if (per_domain_[j.domain] >= static_cast<int>(config_.concurrency_per_destination)) continue;
        in_flight_.insert(key(j));
        ++per_domain_[j.domain];
        ready_.push_back(j);
      }
      if (!ready_.empty()) work_cv_.notify_all();
    }
    // Poll once a second (retry times are whole seconds); a new message wakes us at once.
    cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_ || woken_; });
  }
}

void Runner::worker_loop() {
  std::unique_lock lock(mu_);
  while (true) {
    work_cv_.wait(lock, [this] { return stopping_ || !ready_.empty(); });
    if (stopping_) return;
    Job job = ready_.front();
    ready_.pop_front();
    ++busy_;
    lock.unlock();
    std::unique_ptr<Cached> cache;
    std::optional<Job> current = job;
    while (current) {
      try {
        attempt(*current, cache);
      } catch (const std::exception& e) {
        log::error("queue_attempt_failed", {{"id", current->message_id}, {"domain", current->domain}, {"error", e.what()}});
        cache.reset();
      }
      bool first = current->message_id == job.message_id;
      if (!first) {
        std::lock_guard relock(mu_);
        in_flight_.erase(key(*current));
      }
      current.reset();
      // Connection reuse: the next due message for the same domain rides on the open connection.
      if (cache && cache->session->usable() && cache->session->transactions() < kMaxReuse && !cancel_)
        current = claim_next(job.domain);
    }
    cache.reset();  // QUIT
    lock.lock();
    --busy_;
    in_flight_.erase(key(job));
    if (--per_domain_[job.domain] <= 0) per_domain_.erase(job.domain);
    woken_ = true;
    cv_.notify_all();
  }
}

std::optional<Job> Runner::claim_next(const std::string& domain) {
  auto jobs = store_.due_for_domain(domain, now_s(), 16);
  std::lock_guard lock(mu_);
  if (stopping_) return std::nullopt;
  for (const auto& j : jobs) {
    if (in_flight_.count(key(j))) continue;
    in_flight_.insert(key(j));
    return j;
  }
  return std::nullopt;
}

void Runner::attempt(const Job& job) {
  std::unique_ptr<Cached> none;
  attempt(job, none);
}

void Runner::attempt(const Job& job, std::unique_ptr<Cached>& cache) {
  auto m = store_.get(job.message_id);
  if (!m || m->held) return;
  const std::int64_t now = now_s();
  std::vector<RecipientInfo> rcpts;
  for (const auto& r : m->recipients)
    if (r.state == RcptState::Pending && r.domain == job.domain && r.next_attempt <= now) rcpts.push_back(r);
  if (rcpts.empty()) return;

  std::vector<Outcome> outcomes(rcpts.size());
  auto all = [&](Outcome::Kind kind, const std::string& reply, const std::string& mta = {}) {
    for (auto& o : outcomes) o = Outcome{kind, reply, mta, ""};
  };

  std::string raw;
  bool readable = true;
  try {
    raw = store_.read_message(m->id);
  } catch (const std::exception& e) {
    // Kept and retried with backoff (an admin can repair or delete it), not retried every second.
    log::error("queue_file_unreadable", {{"id", m->id}, {"error", e.what()}});
    all(Outcome::Kind::Temporary, "451 4.3.0 queue file unreadable", hostname_);
    readable = false;
  }

  if (!readable) {
    // nothing to send
  } else if (hooks_.is_local_domain && hooks_.deliver_local && hooks_.is_local_domain(job.domain)) {
    std::vector<std::string> addrs;
    for (const auto& r : rcpts) addrs.push_back(r.address);
    auto results = hooks_.deliver_local(m->sender, addrs, raw);
    all(Outcome::Kind::Temporary, "451 4.3.0 local delivery gave no result", hostname_);
    for (std::size_t i = 0; i < rcpts.size(); ++i)
      for (const auto& res : results)
        if (str::iequals(res.address, rcpts[i].address)) {
          outcomes[i].kind = res.kind == LocalOutcome::Kind::Delivered   ? Outcome::Kind::Delivered
                             : res.kind == LocalOutcome::Kind::Permanent ? Outcome::Kind::Permanent
                                                                         : Outcome::Kind::Temporary;
          outcomes[i].reply = res.reason;
          outcomes[i].success_action = "delivered";
        }
  } else {
    // The route: the smarthost, or the domain's MX hosts (RFC 5321 §5.1).
    std::vector<dns::Target> targets;
    std::uint16_t port = config_.remote_port;
    dns::RouteOptions ro;
    if (!config_.smarthost.empty()) {
      auto [host, p] = split_host_port(config_.smarthost, config_.remote_port);
      port = p;
      auto route = dns::route_domain(*resolver_, host.find(':') != std::string::npos || (!host.empty() && std::isdigit(static_cast<unsigned char>(host.back())))
                                                      ? "[" + host + "]"
                                                      : host,
                                     ro);
      if (route.kind == dns::Route::Kind::Ok) {
        for (auto& t : route.targets) t.host = host;
        targets = std::move(route.targets);
      } else {
        all(Outcome::Kind::Temporary, "451 4.4.3 smarthost " + host + ": " + route.error);
      }
    } else {
      auto route = dns::route_domain(*resolver_, job.domain, ro);
      switch (route.kind) {
        case dns::Route::Kind::Ok: {
          targets = std::move(route.targets);
          // RFC 5321 §5.1: when we are one of the MX hosts, only hosts preferred over us may be used.
          auto self = std::find_if(targets.begin(), targets.end(),
                                   [&](const dns::Target& t) { return str::iequals(t.host, hostname_); });
          if (self != targets.end()) {
            auto ours = self->preference;
            std::erase_if(targets, [&](const dns::Target& t) { return t.preference >= ours; });
            if (targets.empty()) all(Outcome::Kind::Permanent, "554 5.4.6 mail for " + job.domain + " loops back to myself");
          }
          break;
        }
        case dns::Route::Kind::NullMx: all(Outcome::Kind::Permanent, "556 5.1.10 " + route.error); break;  // RFC 7505 §4.3
        case dns::Route::Kind::NoDomain:
        case dns::Route::Kind::PermFail: all(Outcome::Kind::Permanent, "550 5.1.2 " + route.error); break;
        case dns::Route::Kind::TempFail: all(Outcome::Kind::Temporary, "451 4.4.3 " + route.error); break;
      }
    }

    if (!targets.empty()) {
      smtp::client::Options o;
      o.helo_name = hostname_;
      o.port = port;
      o.timeout = std::chrono::seconds(config_.smtp_timeout_seconds);
      o.tls_context = tls_.get();
      o.cancel = &cancel_;
      std::string policy = config_.tls;
      bool configured = false;
      for (const auto& [d, p] : config_.tls_policy)
        if (d == job.domain) {
          policy = p;
          configured = true;
        }
      o.tls = smtp::client::parse_tls_policy(policy).value_or(smtp::client::TlsPolicy::May);
      // MTA-STS (RFC 8461) for MX delivery to a domain without a configured policy (§3.4: not for a
      // smarthost, whose domain would be the policy domain).
      std::optional<mta_sts::Policy> sts;
      if (sts_ && !configured && config_.smarthost.empty()) {
        try {
          sts = sts_->policy_for(job.domain);
        } catch (const std::exception& e) {
          log::error("mta_sts_failed", {{"domain", job.domain}, {"error", e.what()}});
        }
      }
      if (sts) {
        // §4.1: only MX hosts matching the policy; "enforce" skips the others, "testing" logs them.
        std::vector<dns::Target> allowed;
        for (auto& t : targets) {
          if (mta_sts::mx_allowed(*sts, t.host)) {
            allowed.push_back(t);
          } else {
            log::warn("mta_sts_mx_mismatch", {{"domain", job.domain}, {"host", t.host}, {"mode", to_string(sts->mode)}});
            if (sts->mode == mta_sts::Mode::Testing) allowed.push_back(t);
          }
        }
        targets = std::move(allowed);
        // §4.2, §5: enforce requires STARTTLS with a certificate valid for the MX host.
        if (sts->mode == mta_sts::Mode::Enforce) o.tls = smtp::client::TlsPolicy::Verify;
        // §5: a delivery blocked by an enforced policy is a temporary failure, retried later
        // (after which the policy is looked up again).
        if (targets.empty())
          all(Outcome::Kind::Temporary,
              "451 4.7.5 MTA-STS: the policy of " + job.domain + " allows none of its MX hosts");
      }
      if (!config_.smarthost.empty() && !config_.smarthost_user.empty())
        o.auth = std::make_pair(config_.smarthost_user, config_.smarthost_password);
      smtp::client::Envelope env;
      env.sender = m->sender;
      env.envid = m->envid;
      env.ret = m->ret;
      env.smtputf8 = m->smtputf8;
      for (const auto& r : rcpts) env.recipients.push_back({r.address, r.notify, r.orcpt});

      if (!targets.empty()) all(Outcome::Kind::Temporary, "451 4.4.1 no answer from any host of " + job.domain);
      // What one attempt teaches: true when it settled the recipients (no other host to try).
      auto settle = [&](const smtp::client::Attempt& at, const std::string& mta) {
        if (!at.connected || (!at.error.empty() && at.recipients.empty())) {
          all(Outcome::Kind::Temporary, "451 4.4.1 " + mta + ": " + (at.error.empty() ? "connection failed" : at.error));
          return false;  // the next address, then the next MX host
        }
        if (at.recipients.empty()) {
          // Refused before any RCPT: a permanent refusal ends it; a temporary one tries the next host.
          all(at.permanent ? Outcome::Kind::Permanent : Outcome::Kind::Temporary, at.session_reply.str(), mta);
          return at.permanent;
        }
        for (std::size_t i = 0; i < outcomes.size() && i < at.recipients.size(); ++i) {
          outcomes[i] = from_reply(at.recipients[i].reply, mta);
          if (!at.dsn) outcomes[i].success_action = "relayed";  // RFC 3461 §5.2.2
        }
        return true;
      };
      bool done = false;
      if (cache && !targets.empty() && cache->domain == job.domain && cache->session->usable()) {
        smtp::client::Attempt at;
        cache->session->send(env, raw, at);
        log::info("queue_attempt", {{"id", m->id}, {"reused", cache->mta}, {"error", at.error},
                                    {"reply", at.session_reply.str()}});
        if (at.error.empty()) done = settle(at, cache->mta);
        if (!cache->session->usable()) cache.reset();
      }
      for (const auto& t : targets) {
        if (done) break;
        o.verify_name = t.host;
        for (const auto& addr : t.addresses) {
          if (cancel_) break;
          auto session = std::make_unique<smtp::client::Session>(o);
          smtp::client::Attempt at;
          if (session->open(addr, at)) session->send(env, raw, at);
          log::info("queue_attempt", {{"id", m->id}, {"host", t.host}, {"address", addr}, {"connected", at.connected ? 1 : 0},
                                      {"tls", at.tls_version}, {"verified", at.tls_verified ? 1 : 0},
                                      {"error", at.error}, {"reply", at.session_reply.str()}});
          if (sts && sts->mode == mta_sts::Mode::Testing && at.connected && !at.tls_verified)
            log::warn("mta_sts_testing_failure", {{"domain", job.domain}, {"host", t.host},
                                                  {"tls", at.tls_version.empty() ? "none" : at.tls_version},
                                                  {"note", "an enforced policy would not deliver here"}});
          if (sts && sts->mode == mta_sts::Mode::Enforce && !at.error.empty())
            at.error = "MTA-STS enforce (TLS with a certificate for " + t.host + " required): " + at.error;
          std::string mta = t.host + " [" + addr + "]";
          done = settle(at, mta);
          if (session->usable()) {
            cache = std::make_unique<Cached>(Cached{std::move(session), job.domain, mta});
          }
          if (done) break;
        }
      }
    }
  }

  if (cancel_) return;  // shutting down: this attempt does not count

  // Bookkeeping: delivered, failed (bounce) or rescheduled with backoff; expiry turns a temporary
  // failure into a permanent one (RFC 5321 §4.5.4.1).
  std::vector<RecipientInfo> failed;
  std::vector<std::pair<RecipientInfo, std::string>> succeeded;  // for NOTIFY=SUCCESS
  bool expired_now = false;
  for (std::size_t i = 0; i < rcpts.size(); ++i) {
    auto& r = rcpts[i];
    const auto& o = outcomes[i];
    r.attempts += 1;
    r.last_reply = o.reply;
    r.remote_mta = o.remote_mta;
    if (o.kind == Outcome::Kind::Delivered) {
      r.state = RcptState::Delivered;
      if (!o.success_action.empty() && notify_success(r.notify)) succeeded.emplace_back(r, o.success_action);
    } else if (o.kind == Outcome::Kind::Permanent) {
      r.state = RcptState::Failed;
      failed.push_back(r);
    } else if (expired(config_, m->created, now)) {
      r.state = RcptState::Failed;
      expired_now = true;
      failed.push_back(r);
    } else {
      r.next_attempt = now + retry_delay(config_, r.attempts);
    }
    log::info("queue_recipient", {{"id", m->id}, {"to", r.address}, {"state", to_string(r.state)},
                                  {"attempts", r.attempts}, {"reply", r.last_reply}});
  }
  if (!failed.empty()) bounce(*m, failed, expired_now);
  if (!succeeded.empty()) report_success(*m, succeeded);
  for (auto& r : rcpts) {
    for (const auto& f : failed)
      if (f.id == r.id) r.dsn_sent = true;
    store_.update_recipient(r);
  }
  store_.remove_if_done(m->id);
}

void Runner::bounce(const MessageInfo& m, const std::vector<RecipientInfo>& failed, bool expired_now) {
  // RFC 5321 §4.5.5 / RFC 3461 §6.2: never a DSN to the null sender, never a DSN about a DSN.
  if (m.sender.empty() || m.bounce) return;
  DsnInput in;
  in.reporting_mta = hostname_;
  in.sender = m.sender;
  in.envid = m.envid;
  in.headers_only = str::iequals(m.ret, "HDRS");
  in.arrival = m.created;
  for (const auto& r : failed) {
    if (!notify_failure(r.notify)) continue;
    DsnRecipient d;
    d.address = r.address;
    d.orcpt = r.orcpt;
    d.action = "failed";
    bool was_temp = !r.last_reply.empty() && r.last_reply[0] == '4';
    d.status = dsn_status(r.last_reply, expired_now && (was_temp || r.last_reply.empty()));
    if (d.status[0] == '4') d.status[0] = '5';  // a final failure reports class 5 (RFC 3464 §2.3.4)
    d.diagnostic = r.last_reply;
    if (expired_now && was_temp) d.diagnostic = r.last_reply + " (gave up: message expired in the queue)";
    auto bracket = r.remote_mta.find(" [");
    d.remote_mta = bracket == std::string::npos ? r.remote_mta : r.remote_mta.substr(0, bracket);
    d.last_attempt = now_s();
    in.recipients.push_back(std::move(d));
  }
  if (in.recipients.empty()) return;
  in.original = original_or_note(store_, m.id);
  send_dsn(m, in);
}

void Runner::report_success(const MessageInfo& m, const std::vector<std::pair<RecipientInfo, std::string>>& done) {
  if (m.sender.empty() || m.bounce) return;
  DsnInput in;
  in.reporting_mta = hostname_;
  in.sender = m.sender;
  in.envid = m.envid;
  in.headers_only = true;  // RFC 3461 §4.3: RET asks for the content in failure reports only
  in.arrival = m.created;
  for (const auto& [r, action] : done) {
    DsnRecipient d;
    d.address = r.address;
    d.orcpt = r.orcpt;
    d.action = action;
    d.status = "2.0.0";
    d.diagnostic = r.last_reply;
    auto bracket = r.remote_mta.find(" [");
    d.remote_mta = bracket == std::string::npos ? r.remote_mta : r.remote_mta.substr(0, bracket);
    d.last_attempt = now_s();
    in.recipients.push_back(std::move(d));
  }
  in.original = original_or_note(store_, m.id);
  send_dsn(m, in);
}

void Runner::send_dsn(const MessageInfo& m, DsnInput& in) {
  NewMessage dsn;
  dsn.sender = "";
  dsn.bounce = true;
  dsn.recipients.push_back(NewRecipient{m.sender, "", ""});
  dsn.smtputf8 = m.smtputf8;
  try {
    std::string id = store_.enqueue(dsn, build_dsn(in));
    log::info("queue_bounce", {{"id", m.id}, {"dsn", id}, {"to", m.sender}, {"recipients", in.recipients.size()}});
    wake();
  } catch (const std::exception& e) {
    log::error("queue_bounce_failed", {{"id", m.id}, {"error", e.what()}});
  }
}

}  // namespace postamt::queue
