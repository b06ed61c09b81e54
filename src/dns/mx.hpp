// Where mail for a domain goes (RFC 5321 §5.1): MX records in preference order (equal preferences
// shuffled), the implicit MX (the domain's own A/AAAA) when there is no MX, the null MX of RFC 7505,
// and address literals ("[192.0.2.1]", RFC 5321 §4.1.3).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "dns/resolver.hpp"

namespace postamt::dns {

struct Target {
  std::string host;  // the exchange (or the domain itself for the implicit MX)
  std::uint16_t preference = 0;
  std::vector<std::string> addresses;  // textual IPs, to try in order
};

struct Route {
  // Ok: targets to try in order. NullMx: the domain accepts no mail (RFC 7505 §3, permanent).
  // NoDomain: NXDOMAIN or no MX and no address (permanent). TempFail: try again later.
  // PermFail: a malformed domain or answer.
  enum class Kind { Ok, NullMx, NoDomain, TempFail, PermFail };
  Kind kind = Kind::TempFail;
  std::vector<Target> targets;
  std::string error;  // why, when not Ok
};

struct RouteOptions {
  std::size_t max_hosts = 10;  // MX hosts considered (a bound against huge answers)
  bool ipv6 = true;            // also ask AAAA (IPv4 addresses are tried first)
  // Shuffles hosts of equal preference (RFC 5321 §5.1 "SHOULD randomize"); tests pass a no-op.
  std::function<void(std::vector<Target>&)> shuffle;
};

Route route_domain(Resolver& resolver, std::string_view domain, const RouteOptions& options = {});

const char* to_string(Route::Kind kind);

}  // namespace postamt::dns
