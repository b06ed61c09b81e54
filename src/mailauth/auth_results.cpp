// Authentication-Results formatting (RFC 8601 §2.2 grammar, §2.3 property types, §2.7 result values;
// header.b of RFC 6008 §4; header.from for DMARC, RFC 7489 §11.2).
#include "mailauth/auth_results.hpp"

#include "common/strings.hpp"

namespace postamt::mailauth {
namespace {

// RFC 2045 token characters: no specials, no SP/CTL.
bool is_token(std::string_view v) {
  if (v.empty()) return false;
  for (unsigned char c : v)
    if (c <= ' ' || c >= 127 || std::string_view("()<>@,;:\\\"/[]?=").find(static_cast<char>(c)) != std::string_view::npos)
      return false;
  return true;
}

// A property value (§2.2 pvalue): a token, an [local@]domain, or a quoted-string.
std::string pvalue(std::string_view v) {
  auto at = v.rfind('@');
  bool addr = at != std::string_view::npos && is_token(v.substr(at + 1)) &&
              (at == 0 || is_token(v.substr(0, at)) || v.substr(0, at).find_first_of("\"\\ ") == std::string_view::npos);
  if (is_token(v) || (addr && v.find_first_of(" \t\"\\;()") == std::string_view::npos)) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '\r' || c == '\n') continue;
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string reason(std::string_view text) { return text.empty() ? "" : " reason=" + pvalue(text); }

}  // namespace

std::string format_authentication_results(const AuthResults& r) {
  std::vector<std::string> parts;
  if (r.dkim) {
    if (r.dkim->empty()) parts.push_back("dkim=none");
    for (const auto& v : *r.dkim) {
      std::string s = std::string("dkim=") + dkim::to_string(v.result);
      if (v.result != dkim::Result::Pass) s += reason(v.reason);
      if (!v.domain.empty()) s += " header.d=" + pvalue(v.domain);
      if (!v.identity.empty()) s += " header.i=" + pvalue(v.identity);
      if (!v.selector.empty()) s += " header.s=" + pvalue(v.selector);
      if (!v.algorithm.empty()) s += " header.a=" + pvalue(v.algorithm);
      if (!v.b_prefix.empty()) s += " header.b=" + pvalue(v.b_prefix);
      parts.push_back(std::move(s));
    }
  }
  if (r.spf) {
    std::string s = std::string("spf=") + spf::to_string(r.spf->result);
    if (!r.spf->reason.empty()) s += reason(r.spf->reason);
    if (!r.spf_mail_from.empty()) s += " smtp.mailfrom=" + pvalue(r.spf_mail_from);
    else if (!r.spf_helo.empty()) s += " smtp.helo=" + pvalue(r.spf_helo);
    parts.push_back(std::move(s));
  }
  if (r.dmarc) {
    std::string s = std::string("dmarc=") + dmarc::to_string(r.dmarc->result);
    if (r.dmarc->result == dmarc::Result::Fail || r.dmarc->result == dmarc::Result::Pass)
      s += std::string(" (p=") + dmarc::to_string(r.dmarc->policy) + " dis=" +
           str::to_upper(dmarc::to_string(r.dmarc->disposition)) + ")";
    if (r.dmarc->result != dmarc::Result::Pass) s += reason(r.dmarc->reason);
    if (!r.dmarc->from_domain.empty()) s += " header.from=" + pvalue(r.dmarc->from_domain);
    parts.push_back(std::move(s));
  }
  std::string out = "Authentication-Results: " + r.authserv_id + ";";
  if (parts.empty()) return out + " none\r\n";
  for (std::size_t i = 0; i < parts.size(); ++i) out += "\r\n\t" + parts[i] + (i + 1 < parts.size() ? ";" : "");
  return out + "\r\n";
}

bool names_authserv_id(std::string_view value, std::string_view id) {
  // authserv-id is the first token, before an optional version and the first ';' (§2.2); CFWS allowed.
  std::string_view v = str::trim(value);
  while (!v.empty() && (v[0] == '\r' || v[0] == '\n' || v[0] == ' ' || v[0] == '\t')) v.remove_prefix(1);
  auto end = v.find_first_of("; \t\r\n(");
  return str::iequals(v.substr(0, end), id);
}

}  // namespace postamt::mailauth
