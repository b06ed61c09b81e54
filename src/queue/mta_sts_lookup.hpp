// MTA-STS policy discovery for one destination domain (RFC 8461 §3, §5.1): the "_mta-sts" TXT record,
// the cached policy, a fetch when the id changed, the cache expired or a day passed; failures logged.
#pragma once
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "dns/resolver.hpp"
#include "queue/mta_sts.hpp"
#include "queue/mta_sts_cache.hpp"

namespace postamt::queue::mta_sts {

class Lookup {
 public:
  // `tls` is the trust store for policy hosts; all references must outlive the Lookup.
  Lookup(dns::Resolver& resolver, Cache& cache, boost::asio::ssl::context& tls);

  // The policy to apply to mail for `domain` now; nullopt when it has none (or mode "none").
  // Blocking (DNS and HTTPS): call from a worker thread.
  std::optional<Policy> policy_for(const std::string& domain);

  // Tests only: the port of the policy hosts (443).
  std::uint16_t port = 443;
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};

 private:
  std::optional<Policy> fetch_and_store(const std::string& domain, const std::string& id, std::int64_t now,
                                        const std::optional<Cached>& cached);

  dns::Resolver& resolver_;
  Cache& cache_;
  boost::asio::ssl::context& tls_;
  std::mutex mu_;
  std::map<std::string, std::int64_t> failed_;  // "domain id" -> time of the last failed fetch
};

}  // namespace postamt::queue::mta_sts
