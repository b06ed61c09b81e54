// Inbound mail authentication in one call: DKIM verification, SPF for MAIL FROM (HELO for the null
// sender), DMARC over both, and the Authentication-Results field to prepend (RFC 8601). What the SMTP
// server calls for mail arriving on port 25 (wired in by the lead).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "mailauth/auth_results.hpp"

namespace postamt::mailauth {

struct AuthenticationReport {
  std::vector<dkim::Verification> dkim;
  spf::Outcome spf;
  dmarc::Outcome dmarc;
  std::string header;  // "Authentication-Results: ...\r\n"
  // What DMARC asks of us (after pct): Reject → 550 5.7.1, Quarantine → file into Junk.
  dmarc::Policy disposition() const { return dmarc.disposition; }
};

struct AuthenticationRequest {
  std::string authserv_id;  // our host name
  spf::Request smtp;        // client ip, MAIL FROM, HELO
  std::int64_t now = -1;    // for DKIM x= (tests); -1: the current time
  int dmarc_roll = -1;      // for DMARC pct= (tests); -1: random
};

AuthenticationReport authenticate(std::string_view message, const AuthenticationRequest& request, Resolver& resolver);

}  // namespace postamt::mailauth
