// MX resolution per RFC 5321 §5.1 and the null MX of RFC 7505 over the Resolver interface.
#include "dns/mx.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <random>

#include "common/strings.hpp"

namespace postamt::dns {
namespace {

void default_shuffle(std::vector<Target>& hosts) {
  thread_local std::mt19937 rng{std::random_device{}()};
  auto begin = hosts.begin();
  while (begin != hosts.end()) {
    auto end = std::find_if(begin, hosts.end(), [&](const Target& t) { return t.preference != begin->preference; });
    std::shuffle(begin, end, rng);
    begin = end;
  }
}

// A and AAAA of one host: Ok with addresses, or the worse of the two failures.
Answer<std::string> host_addresses(Resolver& r, const std::string& host, bool ipv6) {
  Answer<std::string> out;
  auto v4 = r.a(host);
  Answer<std::string> v6;
  if (ipv6) v6 = r.aaaa(host);
  out.records = v4.records;
  out.records.insert(out.records.end(), v6.records.begin(), v6.records.end());
  if (!out.records.empty()) {
    out.status = Status::Ok;
    return out;
  }
  bool temp = v4.status == Status::TempFail || (ipv6 && v6.status == Status::TempFail);
  out.status = temp ? Status::TempFail : v4.status;
  out.error = !v4.error.empty() ? v4.error : v6.error;
  return out;
}

bool valid_domain(std::string_view d) {
  if (d.empty() || d.size() > 253 || d.front() == '.' || d.back() == '.') return false;
  for (char c : d)
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0' || c == '/' || c == '\\') return false;
  return true;
}

}  // namespace

Route route_domain(Resolver& resolver, std::string_view domain_in, const RouteOptions& options) {
  Route route;
  std::string domain = str::to_lower(domain_in);
  // RFC 5321 §4.1.3: an address literal names the host itself, no DNS.
  if (domain.size() > 2 && domain.front() == '[' && domain.back() == ']') {
    std::string inner = domain.substr(1, domain.size() - 2);
    if (inner.rfind("ipv6:", 0) == 0) inner = inner.substr(5);
    unsigned char buf[16];
    if (inet_pton(AF_INET, inner.c_str(), buf) != 1 && inet_pton(AF_INET6, inner.c_str(), buf) != 1) {
      route.kind = Route::Kind::PermFail;
      route.error = "malformed address literal " + domain;
      return route;
    }
    route.kind = Route::Kind::Ok;
    route.targets.push_back(Target{domain, 0, {inner}});
    return route;
  }
  if (!valid_domain(domain)) {
    route.kind = Route::Kind::PermFail;
    route.error = "malformed domain '" + domain + "'";
    return route;
  }

  auto mx = resolver.mx(domain);
  std::vector<Target> hosts;
  if (mx.status == Status::Ok && !mx.records.empty()) {
    // RFC 7505 §3: a single MX with exchange "." means no mail; any null MX among others is ignored.
    if (mx.records.size() == 1 && mx.records.front().exchange.empty()) {
      route.kind = Route::Kind::NullMx;
      route.error = domain + " does not accept mail (null MX)";
      return route;
    }
    for (const auto& r : mx.records)
      if (!r.exchange.empty()) hosts.push_back(Target{r.exchange, r.preference, {}});
    std::stable_sort(hosts.begin(), hosts.end(),
                     [](const Target& a, const Target& b) { return a.preference < b.preference; });
    if (options.shuffle) {
      options.shuffle(hosts);
    } else {
      default_shuffle(hosts);
    }
    if (hosts.size() > options.max_hosts) hosts.resize(options.max_hosts);
  } else if (mx.status == Status::NoData || (mx.status == Status::Ok && mx.records.empty())) {
    // RFC 5321 §5.1: no MX records: the domain itself is the implicit MX with preference 0.
    hosts.push_back(Target{domain, 0, {}});
  } else if (mx.status == Status::NxDomain) {
    route.kind = Route::Kind::NoDomain;
    route.error = "domain " + domain + " does not exist (NXDOMAIN)";
    return route;
  } else {
    route.kind = mx.status == Status::TempFail ? Route::Kind::TempFail : Route::Kind::PermFail;
    route.error = "MX lookup for " + domain + " failed: " + (mx.error.empty() ? to_string(mx.status) : mx.error);
    return route;
  }

  bool any_temp = false;
  std::string last_error;
  for (auto& h : hosts) {
    auto addrs = host_addresses(resolver, h.host, options.ipv6);
    if (addrs.status == Status::Ok) {
      h.addresses = std::move(addrs.records);
      route.targets.push_back(std::move(h));
    } else {
      any_temp = any_temp || addrs.status == Status::TempFail;
      last_error = "no address for " + h.host + (addrs.error.empty() ? "" : ": " + addrs.error);
    }
  }
  if (!route.targets.empty()) {
    route.kind = Route::Kind::Ok;
  } else {
    // An MX host without address is a permanent problem only when every lookup answered for sure.
    route.kind = any_temp ? Route::Kind::TempFail : Route::Kind::NoDomain;
    route.error = last_error;
  }
  return route;
}

const char* to_string(Route::Kind kind) {
  switch (kind) {
    case Route::Kind::Ok: return "ok";
    case Route::Kind::NullMx: return "null_mx";
    case Route::Kind::NoDomain: return "no_domain";
    case Route::Kind::TempFail: return "tempfail";
    case Route::Kind::PermFail: return "permfail";
  }
  return "?";
}

}  // namespace postamt::dns
