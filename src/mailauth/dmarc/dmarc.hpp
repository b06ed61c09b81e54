// DMARC (RFC 7489): policy record parsing (§6.3), policy discovery at _dmarc.<From domain> and the
// organizational domain (§6.6.3), identifier alignment relaxed/strict (§3.1), and the requested
// disposition with p=, sp= and pct= (§6.6.4).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailauth/dkim/dkim.hpp"
#include "mailauth/resolver.hpp"
#include "mailauth/spf/spf.hpp"

namespace postamt::mailauth::dmarc {

enum class Policy { None, Quarantine, Reject };
enum class Result { None, Pass, Fail, TempError, PermError };
const char* to_string(Policy p);
const char* to_string(Result r);

struct Record {
  Policy p = Policy::None;
  std::optional<Policy> sp;
  int pct = 100;
  bool adkim_strict = false, aspf_strict = false;
  std::string rua, ruf;  // kept for reporting (not sent by postamt yet)
};

// nullopt (with `error`) unless the text is a DMARC record: "v=DMARC1" first, a valid p= (or, per
// §6.6.3 step 6, a rua= and then p=none), valid optional tags. Unknown tags are ignored.
std::optional<Record> parse_record(std::string_view txt, std::string* error = nullptr);

struct Outcome {
  Result result = Result::None;
  std::string from_domain;    // RFC5322.From domain
  std::string policy_domain;  // where the record was found ("" if none)
  Policy policy = Policy::None;       // p= or sp= that applies
  Policy disposition = Policy::None;  // what the receiver should do (None on pass; pct may lower it)
  bool dkim_aligned = false, spf_aligned = false;
  bool sampled_out = false;  // failed, but pct= excluded the message from the policy
  std::string reason;
};

// `dkim`: the verifications of the message; `spf`: the MAIL FROM (or HELO, for the null sender)
// outcome, whose `domain` is the SPF-authenticated identifier. `roll` is a number 0..99 compared to
// pct= ("(random mod 100) < pct", §6.3); -1 draws one.
Outcome evaluate(std::string_view from_domain, const std::vector<dkim::Verification>& dkim,
                 const spf::Outcome& spf, Resolver& resolver, int roll = -1);

}  // namespace postamt::mailauth::dmarc
