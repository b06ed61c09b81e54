// Policy discovery and caching for MTA-STS (RFC 8461 §3.1, §3.3, §5.1).
#include "queue/mta_sts_lookup.hpp"

#include <ctime>

#include "common/log.hpp"
#include "queue/mta_sts_fetch.hpp"

namespace postamt::queue::mta_sts {
namespace {

std::int64_t now_s() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::optional<Policy> applicable(const std::optional<Cached>& c) {
  if (!c || c->policy.mode == Mode::None) return std::nullopt;  // §5 "none": as without a policy
  return c->policy;
}

}  // namespace

Lookup::Lookup(dns::Resolver& resolver, Cache& cache, boost::asio::ssl::context& tls)
    : resolver_(resolver), cache_(cache), tls_(tls) {}

std::optional<Policy> Lookup::policy_for(const std::string& domain) {
  // Address literals have no policy (§3.4).
  if (domain.empty() || domain.front() == '[') return std::nullopt;
  const std::int64_t now = now_s();
  std::optional<Cached> cached;
  try {
    cached = cache_.get(domain);
  } catch (const std::exception& e) {
    log::error("mta_sts_cache_failed", {{"domain", domain}, {"error", e.what()}});
  }
  auto txt = resolver_.txt("_mta-sts." + domain);
  std::optional<std::string> id;
  if (txt.ok()) id = select_record(txt.records);
  std::int64_t last_failed = 0;
  if (id) {
    std::lock_guard lock(mu_);
    auto it = failed_.find(domain + " " + *id);
    if (it != failed_.end()) last_failed = it->second;
  }
  switch (decide(cached, id, now, last_failed)) {
    case Step::NoPolicy: return std::nullopt;
    case Step::UseCached: return applicable(cached);
    case Step::Fetch: return fetch_and_store(domain, *id, now, cached);
  }
  return std::nullopt;
}

std::optional<Policy> Lookup::fetch_and_store(const std::string& domain, const std::string& id, std::int64_t now,
                                              const std::optional<Cached>& cached) {
  FetchRequest rq;
  rq.host = "mta-sts." + domain;
  rq.port = port;
  rq.timeout = timeout;
  auto a = resolver_.a(rq.host);
  rq.addresses = a.records;
  auto aaaa = resolver_.aaaa(rq.host);
  rq.addresses.insert(rq.addresses.end(), aaaa.records.begin(), aaaa.records.end());
  auto got = fetch_policy(tls_, rq);
  std::string error = got.error;
  if (got.ok) {
    auto parsed = parse_policy(got.body);
    if (parsed.policy) {
      Cached entry{id, *parsed.policy, now};
      try {
        cache_.put(domain, entry);
      } catch (const std::exception& e) {
        log::error("mta_sts_cache_failed", {{"domain", domain}, {"error", e.what()}});
      }
      log::info("mta_sts_policy", {{"domain", domain}, {"id", id}, {"mode", to_string(entry.policy.mode)},
                                   {"mx", entry.policy.mx.size()}, {"max_age", entry.policy.max_age}});
      return applicable(entry);
    }
    error = "malformed policy: " + parsed.error;
  }
  // §3.3: a failed fetch falls back to a cached policy that has not expired, else to no policy; an
  // administrator should hear of it (unless the cached mode is none); no new try for five minutes.
  {
    std::lock_guard lock(mu_);
    failed_[domain + " " + id] = now;
  }
  bool usable = cached && !cached->expired(now);
  if (!usable || cached->policy.mode != Mode::None)
    log::warn("mta_sts_fetch_failed", {{"domain", domain}, {"id", id}, {"error", error},
                                       {"using", usable ? "cached policy" : "no policy"}});
  return usable ? applicable(cached) : std::nullopt;
}

}  // namespace postamt::queue::mta_sts
