// DMARC evaluation (RFC 7489 §6.6.2 identifiers, §6.6.3 policy discovery, §3.1 alignment, §6.6.4
// p/sp/pct disposition).
#include "mailauth/dmarc/dmarc.hpp"

#include <charconv>
#include <random>

#include "common/strings.hpp"
#include "mailauth/dkim/tag_list.hpp"
#include "mailauth/dmarc/org_domain.hpp"

namespace postamt::mailauth::dmarc {
namespace {

bool parse_policy(std::string_view text, Policy& out) {
  if (str::iequals(text, "none")) out = Policy::None;
  else if (str::iequals(text, "quarantine")) out = Policy::Quarantine;
  else if (str::iequals(text, "reject")) out = Policy::Reject;
  else return false;
  return true;
}

bool is_dmarc_record(std::string_view t) {  // §6.4: "v=DMARC1" must be the first tag
  std::string_view s = str::trim(t);
  if (!str::istarts_with(s, "v")) return false;
  s = str::trim(s.substr(1));
  if (s.empty() || s[0] != '=') return false;
  s = str::trim(s.substr(1));
  return s.starts_with("DMARC1") && (s.size() == 6 || s[6] == ';' || s[6] == ' ' || s[6] == '\t');
}

bool aligned(std::string_view a, std::string_view b, bool strict) {
  std::string x = str::to_lower(a), y = str::to_lower(b);
  if (x.empty() || y.empty()) return false;
  if (strict) return x == y;
  return organizational_domain(x) == organizational_domain(y);  // §3.1.1, §3.1.2 relaxed
}

}  // namespace

const char* to_string(Policy p) {
  switch (p) {
    case Policy::None: return "none";
    case Policy::Quarantine: return "quarantine";
    case Policy::Reject: return "reject";
  }
  return "none";
}

const char* to_string(Result r) {
  switch (r) {
    case Result::None: return "none";
    case Result::Pass: return "pass";
    case Result::Fail: return "fail";
    case Result::TempError: return "temperror";
    case Result::PermError: return "permerror";
  }
  return "none";
}

std::optional<Record> parse_record(std::string_view txt, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<Record> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  if (!is_dmarc_record(txt)) return fail("not a DMARC record (v=DMARC1 first)");
  std::string tag_error;
  auto tags = parse_tag_list(txt, &tag_error);
  if (!tags) return fail("bad DMARC record: " + tag_error);
  Record r;
  bool has_rua = tags->count("rua") && !tags->at("rua").empty();
  if (has_rua) r.rua = tags->at("rua");
  if (tags->count("ruf")) r.ruf = tags->at("ruf");
  bool valid_p = tags->count("p") && parse_policy(tags->at("p"), r.p);
  bool valid_sp = true;
  if (auto sp = tags->find("sp"); sp != tags->end()) {
    Policy p;
    valid_sp = parse_policy(sp->second, p);
    if (valid_sp) r.sp = p;
  }
  if (!valid_p || !valid_sp) {
    // §6.6.3 step 6: an invalid p= or sp= with a reporting address is treated as p=none.
    if (!has_rua) return fail(valid_p ? "bad sp= value" : "missing or bad p= value");
    r.p = Policy::None;
    r.sp.reset();
  }
  for (auto [tag, strict] : {std::pair{"adkim", &r.adkim_strict}, {"aspf", &r.aspf_strict}}) {
    auto it = tags->find(tag);
    if (it == tags->end()) continue;
    if (it->second == "s") *strict = true;
    else if (it->second != "r") return fail(std::string("bad ") + tag + "= value");
  }
  if (auto pct = tags->find("pct"); pct != tags->end()) {
    int v = -1;
    auto [end, ec] = std::from_chars(pct->second.data(), pct->second.data() + pct->second.size(), v);
    if (ec != std::errc() || end != pct->second.data() + pct->second.size() || v < 0 || v > 100)
      return fail("bad pct= value");
    r.pct = v;
  }
  return r;
}

Outcome evaluate(std::string_view from_domain, const std::vector<dkim::Verification>& dkim,
                 const spf::Outcome& spf, Resolver& resolver, int roll) {
  Outcome out;
  out.from_domain = str::to_lower(from_domain);
  if (out.from_domain.empty()) {
    out.result = Result::PermError;
    out.reason = "no single RFC5322.From domain";
    return out;
  }
  // §6.6.3: the From domain's record, else the organizational domain's.
  std::optional<Record> record;
  std::string org = organizational_domain(out.from_domain);
  std::vector<std::string> domains{out.from_domain};
  if (org != out.from_domain) domains.push_back(org);
  for (const auto& domain : domains) {
    auto txt = resolver.txt("_dmarc." + domain);
    if (txt.status == DnsStatus::TempFail) {
      out.result = Result::TempError;
      out.reason = "DMARC record lookup for " + domain + " failed temporarily";
      return out;
    }
    std::vector<std::string> candidates;
    for (const auto& t : txt.records)
      if (is_dmarc_record(t)) candidates.push_back(t);
    if (candidates.empty()) continue;  // step 2: try the organizational domain
    if (candidates.size() > 1) {       // step 3: several records end discovery without a policy
      out.reason = "more than one DMARC record at _dmarc." + domain;
      break;
    }
    std::string error;
    record = parse_record(candidates[0], &error);
    if (record) out.policy_domain = domain;
    else out.reason = error;
    break;
  }
  if (!record) {
    out.result = Result::None;
    if (out.reason.empty()) out.reason = "no DMARC record";
    return out;
  }
  // §6.6.3: sp= applies when the record came from the organizational domain for a subdomain.
  out.policy = (out.policy_domain != out.from_domain && record->sp) ? *record->sp : record->p;

  for (const auto& v : dkim)
    if (v.result == dkim::Result::Pass && aligned(v.domain, out.from_domain, record->adkim_strict))
      out.dkim_aligned = true;
  out.spf_aligned = spf.result == spf::Result::Pass && aligned(spf.domain, out.from_domain, record->aspf_strict);
  if (out.dkim_aligned || out.spf_aligned) {
    out.result = Result::Pass;
    out.disposition = Policy::None;
    return out;
  }
  out.result = Result::Fail;
  out.reason = "neither an aligned DKIM signature nor aligned SPF";
  out.disposition = out.policy;
  if (roll < 0) {
    static thread_local std::mt19937 rng{std::random_device{}()};
    roll = static_cast<int>(rng() % 100);
  }
  if (roll >= record->pct && out.policy != Policy::None) {  // §6.6.4: one step less severe
    out.sampled_out = true;
    out.disposition = out.policy == Policy::Reject ? Policy::Quarantine : Policy::None;
  }
  return out;
}

}  // namespace postamt::mailauth::dmarc
