// SPF (RFC 7208): check_host() over the Resolver interface: mechanisms all, ip4, ip6, a, mx, include,
// exists (ptr never matches: deprecated by §5.5 and needing PTR lookups), redirect=, exp= ignored,
// macros (§7), the 10-DNS-term limit and the 2-void-lookup limit (§4.6.4).
#pragma once
#include <string>
#include <string_view>

#include "mailauth/resolver.hpp"

namespace postamt::mailauth::spf {

enum class Result { None, Neutral, Pass, Fail, SoftFail, TempError, PermError };
const char* to_string(Result r);  // "pass", "softfail", ... (RFC 7208 §2.6, RFC 8601 §2.7.2)

struct Outcome {
  Result result = Result::None;
  std::string domain;     // the domain whose policy was evaluated (MAIL FROM or HELO domain)
  std::string mechanism;  // the matching term ("ip4:192.0.2.0/24", "-all"), or "" (default result)
  std::string reason;     // plain words for errors ("more than 10 DNS lookups", "no SPF record")
  int dns_terms = 0;      // DNS-querying terms evaluated (§4.6.4)
};

struct Request {
  std::string ip;         // client address, "192.0.2.1" or "2001:db8::1"
  std::string mail_from;  // reverse path without <>, "" for the null sender
  std::string helo;       // HELO/EHLO domain
  std::string receiver = "unknown";  // %{r}
};

inline constexpr int kMaxDnsTerms = 10;
inline constexpr int kMaxVoidLookups = 2;
inline constexpr int kMaxMxNames = 10;

// check_host() for the MAIL FROM identity; for the null sender the HELO identity
// "postmaster@<helo>" (RFC 7208 §2.4).
Outcome check_mail_from(const Request& request, Resolver& resolver);
// check_host() for the HELO identity (§2.3).
Outcome check_helo(const Request& request, Resolver& resolver);
// The function of §4: `domain` is the one to evaluate, `sender` the full "local@domain".
Outcome check_host(std::string_view ip, std::string_view domain, std::string_view sender, const Request& request,
                   Resolver& resolver);

}  // namespace postamt::mailauth::spf
