// The Authentication-Results header field (RFC 8601): one resinfo per method (dkim per signature,
// spf, dmarc) with the properties of §2.7 and a reason for failures; recognising fields that claim
// our authserv-id, which must be removed from incoming mail (§5).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailauth/dkim/dkim.hpp"
#include "mailauth/dmarc/dmarc.hpp"
#include "mailauth/spf/spf.hpp"

namespace postamt::mailauth {

struct AuthResults {
  std::string authserv_id;  // our host name (§2.5)
  // dkim: nullopt leaves the method out; an empty vector reports dkim=none (message not signed).
  std::optional<std::vector<dkim::Verification>> dkim;
  std::optional<spf::Outcome> spf;
  std::string spf_mail_from;  // smtp.mailfrom (empty: the null sender, then smtp.helo is reported)
  std::string spf_helo;
  std::optional<dmarc::Outcome> dmarc;
};

// "Authentication-Results: <id>;\r\n\tdkim=pass header.d=... ;\r\n\tspf=pass smtp.mailfrom=...\r\n",
// folded, ending in CRLF; "<id>; none" when no method is given.
std::string format_authentication_results(const AuthResults& results);

// True if an Authentication-Results field value names `authserv_id` (case-insensitive): such a field
// on incoming mail is forged or stale and must be removed before adding ours (§5).
bool names_authserv_id(std::string_view field_value, std::string_view authserv_id);

}  // namespace postamt::mailauth
