// SPF check_host() (RFC 7208 §4, §5 mechanisms, §6 modifiers, §7 macros, §4.6.4 limits).
#include "mailauth/spf/spf.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <vector>

#include "common/strings.hpp"
#include "mailauth/ip.hpp"

namespace postamt::mailauth::spf {
namespace {

constexpr int kMaxDepth = 12;  // include/redirect nesting (the 10-term limit stops loops first)

struct Error {  // aborts evaluation with temperror/permerror
  Result result;
  std::string reason;
};

bool valid_domain(std::string_view d) {  // §4.3: FQDN, labels 1..63, total <= 253
  if (d.empty() || d.size() > 253 || d.find('.') == std::string_view::npos) return false;
  for (auto label : str::split(d, '.'))
    if (label.empty() || label.size() > 63) return false;
  for (unsigned char c : d)
    if (c <= ' ' || c >= 127) return false;
  return true;
}

struct Evaluator {
  const Request& req;
  Resolver& dns;
  IpAddress ip;
  int dns_terms = 0;
  int void_lookups = 0;

  void count_term() {
    if (++dns_terms > kMaxDnsTerms) throw Error{Result::PermError, "more than 10 DNS lookups"};
  }
  template <class T>
  const DnsResult<T>& checked(const DnsResult<T>& r) {  // §5: TempFail is temperror; count voids
    if (r.status == DnsStatus::TempFail) throw Error{Result::TempError, "DNS lookup failed temporarily"};
    if (r.void_answer() && ++void_lookups > kMaxVoidLookups)
      throw Error{Result::PermError, "more than 2 void DNS lookups"};
    return r;
  }

  // §7: macro-string expansion. `sender`/`domain` are those of the current check_host().
  std::string expand(std::string_view spec, std::string_view sender, std::string_view domain) {
    std::string out;
    for (std::size_t i = 0; i < spec.size(); ++i) {
      char c = spec[i];
      if (c != '%') {
        out += c;
        continue;
      }
      if (++i >= spec.size()) throw Error{Result::PermError, "'%' at the end of a macro string"};
      c = spec[i];
      if (c == '%') { out += '%'; continue; }
      if (c == '_') { out += ' '; continue; }
      if (c == '-') { out += "%20"; continue; }
      if (c != '{') throw Error{Result::PermError, "bad macro '%" + std::string(1, c) + "'"};
      auto close = spec.find('}', i);
      if (close == std::string_view::npos) throw Error{Result::PermError, "unterminated macro"};
      std::string_view body = spec.substr(i + 1, close - i - 1);
      i = close;
      if (body.empty()) throw Error{Result::PermError, "empty macro"};
      char letter = static_cast<char>(body[0] | 0x20);
      std::string value;
      auto at = sender.rfind('@');
      switch (letter) {
        case 's': value = sender; break;
        case 'l': value = sender.substr(0, at); break;
        case 'o': value = sender.substr(at + 1); break;
        case 'd': value = domain; break;
        case 'i': value = ip.macro_form(); break;
        case 'p': value = "unknown"; break;  // §7.3: no validated name (PTR not looked up)
        case 'v': value = ip.v6 ? "ip6" : "in-addr"; break;
        case 'h': value = req.helo; break;
        default: throw Error{Result::PermError, "unknown macro letter '" + std::string(1, body[0]) + "'"};
      }
      // transformers: *DIGIT [ "r" ], then delimiters (§7.1)
      std::size_t p = 1;
      std::size_t digits_end = p;
      while (digits_end < body.size() && body[digits_end] >= '0' && body[digits_end] <= '9') ++digits_end;
      int keep = 0;
      if (digits_end > p) {
        auto [end, ec] = std::from_chars(body.data() + p, body.data() + digits_end, keep);
        if (ec != std::errc() || keep == 0) throw Error{Result::PermError, "bad macro digit transformer"};
      }
      p = digits_end;
      bool reverse = p < body.size() && (body[p] == 'r' || body[p] == 'R');
      if (reverse) ++p;
      std::string delims(body.substr(p));
      for (char d : delims)
        if (std::string_view(".-+,/_=").find(d) == std::string_view::npos)
          throw Error{Result::PermError, "bad macro delimiter"};
      if (delims.empty()) delims = ".";
      std::vector<std::string> parts{""};
      for (char ch : value) {
        if (delims.find(ch) != std::string::npos) parts.emplace_back();
        else parts.back() += ch;
      }
      if (reverse) std::reverse(parts.begin(), parts.end());
      if (keep > 0 && static_cast<std::size_t>(keep) < parts.size()) parts.erase(parts.begin(), parts.end() - keep);
      std::string joined;
      for (std::size_t k = 0; k < parts.size(); ++k) joined += (k ? "." : "") + parts[k];
      out += joined;
    }
    return out;
  }

  // A domain-spec after expansion; §7.3: over-long names lose labels on the left.
  std::string target(std::string_view spec, std::string_view sender, std::string_view domain) {
    std::string d = expand(spec, sender, domain);
    while (d.size() > 253 && d.find('.') != std::string::npos) d.erase(0, d.find('.') + 1);
    if (!d.empty() && d.back() == '.') d.pop_back();
    if (d.empty()) throw Error{Result::PermError, "empty domain in mechanism"};
    return d;
  }

  // Does the client address equal one of `name`'s A/AAAA records under the prefix lengths?
  // `count_void`: the a mechanism's own lookup counts as a void lookup (§4.6.4); an MX's hosts do not.
  bool address_matches(const std::string& name, int cidr4, int cidr6, bool count_void) {
    auto r = ip.v6 ? dns.aaaa(name) : dns.a(name);
    if (r.status == DnsStatus::TempFail) throw Error{Result::TempError, "DNS lookup failed temporarily"};
    if (count_void && r.void_answer() && ++void_lookups > kMaxVoidLookups)
      throw Error{Result::PermError, "more than 2 void DNS lookups"};
    for (const auto& text : r.records) {
      auto addr = IpAddress::parse(text);
      if (addr && ip.in_network(*addr, ip.v6 ? cidr6 : cidr4)) return true;
    }
    return false;
  }

  Result check(std::string_view domain, std::string_view sender, int depth, std::string& matched, bool& found) {
    found = false;
    if (depth > kMaxDepth) throw Error{Result::PermError, "include/redirect nested too deeply"};
    if (!valid_domain(domain)) return Result::None;  // §4.3
    auto txt = dns.txt(domain);
    if (txt.status == DnsStatus::TempFail) throw Error{Result::TempError, "SPF record lookup failed temporarily"};
    if (txt.status != DnsStatus::Ok && txt.status != DnsStatus::NoData && txt.status != DnsStatus::NxDomain)
      throw Error{Result::TempError, "SPF record lookup failed"};
    std::vector<std::string> records;
    for (const auto& t : txt.records) {  // §4.5: "v=spf1" exactly, then SP or the end
      if (t.size() >= 6 && str::iequals(std::string_view(t).substr(0, 6), "v=spf1") && (t.size() == 6 || t[6] == ' '))
        records.push_back(t);
    }
    if (records.empty()) return Result::None;
    if (records.size() > 1) throw Error{Result::PermError, "more than one SPF record at " + std::string(domain)};
    found = true;
    if (records[0].size() > 4096) throw Error{Result::PermError, "SPF record too long"};

    std::optional<std::string> redirect;
    bool seen_exp = false;
    for (auto term_view : str::split(std::string_view(records[0]).substr(6), ' ')) {
      std::string term(term_view);
      if (term.empty()) continue;
      // Modifiers: name "=" macro-string (§6); unknown ones are ignored (§6, §4.6.2).
      auto eq = term.find('=');
      auto colon = term.find_first_of(":/");
      if (eq != std::string::npos && (colon == std::string::npos || eq < colon)) {
        std::string name = str::to_lower(std::string_view(term).substr(0, eq));
        if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0])))
          throw Error{Result::PermError, "bad term '" + term + "'"};
        if (name == "redirect") {
          if (redirect) throw Error{Result::PermError, "two redirect= modifiers"};
          redirect = term.substr(eq + 1);
        } else if (name == "exp") {
          if (seen_exp) throw Error{Result::PermError, "two exp= modifiers"};
          seen_exp = true;  // explanations are not fetched (we do not build 550 texts from them)
        }
        continue;
      }
      Result qualifier = Result::Pass;
      std::size_t pos = 0;
      switch (term[0]) {
        case '+': qualifier = Result::Pass; pos = 1; break;
        case '-': qualifier = Result::Fail; pos = 1; break;
        case '~': qualifier = Result::SoftFail; pos = 1; break;
        case '?': qualifier = Result::Neutral; pos = 1; break;
        default: break;
      }
      std::string mech = term.substr(pos);
      if (matches(mech, sender, domain, depth)) {
        matched = term;
        return qualifier;
      }
    }
    if (redirect) {  // §6.1: only when no mechanism matched (and "all" always matches)
      count_term();
      std::string next = target(*redirect, sender, domain);
      std::string inner_matched;
      bool inner_found = false;
      Result r = check(next, sender, depth + 1, inner_matched, inner_found);
      if (!inner_found) throw Error{Result::PermError, "redirect to " + next + " which has no SPF record"};
      matched = inner_matched.empty() ? "redirect=" + next : inner_matched;
      return r;
    }
    return Result::Neutral;  // §4.7
  }

  // Splits "name[:domain-spec][/cidr4][//cidr6]".
  struct Parsed {
    std::string name, spec;
    int cidr4 = 32, cidr6 = 128;
  };
  Parsed parse_mech(const std::string& mech, bool dual_cidr) {
    Parsed p;
    std::string rest = mech;
    auto colon = rest.find(':');
    auto slash = rest.find('/');
    std::size_t name_end = std::min(colon, slash);
    p.name = str::to_lower(std::string_view(rest).substr(0, name_end));
    if (name_end == std::string::npos) return p;
    std::string after = rest.substr(name_end);
    std::string cidr_part;
    if (after[0] == ':') {
      auto s = after.find('/');
      p.spec = after.substr(1, s == std::string::npos ? std::string::npos : s - 1);
      if (p.spec.empty()) throw Error{Result::PermError, "empty domain in '" + mech + "'"};
      if (s != std::string::npos) cidr_part = after.substr(s);
    } else {
      cidr_part = after;
    }
    if (cidr_part.empty()) return p;
    if (!dual_cidr) throw Error{Result::PermError, "prefix length not allowed in '" + mech + "'"};
    auto number = [&](std::string_view s, int max) {
      int v = -1;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < 0 || v > max || (s.size() > 1 && s[0] == '0'))
        throw Error{Result::PermError, "bad prefix length in '" + mech + "'"};
      return v;
    };
    // "/24", "//64", "/24//64" (§5.6 dual-cidr-length)
    auto dbl = cidr_part.find("//");
    std::string v4 = cidr_part.substr(0, dbl), v6 = dbl == std::string::npos ? "" : cidr_part.substr(dbl + 2);
    if (!v4.empty()) p.cidr4 = number(std::string_view(v4).substr(1), 32);
    if (dbl != std::string::npos) p.cidr6 = number(v6, 128);
    return p;
  }

  bool matches(const std::string& mech, std::string_view sender, std::string_view domain, int depth) {
    std::string lower = str::to_lower(mech);
    if (lower == "all") return true;
    if (lower.starts_with("ip4:") || lower.starts_with("ip6:")) {
      bool v6 = lower[2] == '6';
      std::string value = mech.substr(4);
      int prefix = v6 ? 128 : 32;
      if (auto s = value.find('/'); s != std::string::npos) {
        std::string_view n = std::string_view(value).substr(s + 1);
        auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), prefix);
        if (n.empty() || ec != std::errc() || end != n.data() + n.size() || prefix < 0 || prefix > (v6 ? 128 : 32))
          throw Error{Result::PermError, "bad prefix length in '" + mech + "'"};
        value.resize(s);
      }
      auto net = IpAddress::parse(value);
      if (!net || net->v6 != v6) throw Error{Result::PermError, "bad address in '" + mech + "'"};
      return ip.in_network(*net, prefix);
    }
    Parsed p = parse_mech(mech, true);
    if (p.name == "a" || p.name == "mx") {
      count_term();
      std::string name = p.spec.empty() ? std::string(domain) : target(p.spec, sender, domain);
      if (p.name == "a") return address_matches(name, p.cidr4, p.cidr6, true);
      auto mx = checked(dns.mx(name));
      if (mx.records.size() > static_cast<std::size_t>(kMaxMxNames))
        throw Error{Result::PermError, "more than 10 MX names at " + name};
      for (const auto& rec : mx.records)
        if (!rec.exchange.empty() && address_matches(rec.exchange, p.cidr4, p.cidr6, false)) return true;
      return false;
    }
    if (p.name == "ptr") {  // §5.5: "do not use"; we do no PTR lookups, so it never matches
      count_term();
      if (p.cidr4 != 32 || p.cidr6 != 128) throw Error{Result::PermError, "prefix length on ptr"};
      return false;
    }
    if (p.name == "exists") {
      if (p.spec.empty()) throw Error{Result::PermError, "exists needs a domain"};
      count_term();
      auto r = checked(dns.a(target(p.spec, sender, domain)));  // §5.7: always an A query
      return !r.records.empty();
    }
    if (p.name == "include") {
      if (p.spec.empty() || p.cidr4 != 32 || p.cidr6 != 128) throw Error{Result::PermError, "bad include"};
      count_term();
      std::string next = target(p.spec, sender, domain);
      std::string inner_matched;
      bool found = false;
      Result r = check(next, sender, depth + 1, inner_matched, found);
      switch (r) {  // §5.2 table
        case Result::Pass: return true;
        case Result::Fail: case Result::SoftFail: case Result::Neutral: return false;
        case Result::TempError: throw Error{Result::TempError, "include:" + next + " failed temporarily"};
        default: throw Error{Result::PermError, "include:" + next + " has no usable SPF record"};
      }
    }
    throw Error{Result::PermError, "unknown mechanism '" + mech + "'"};
  }
};

}  // namespace

const char* to_string(Result r) {
  switch (r) {
    case Result::None: return "none";
    case Result::Neutral: return "neutral";
    case Result::Pass: return "pass";
    case Result::Fail: return "fail";
    case Result::SoftFail: return "softfail";
    case Result::TempError: return "temperror";
    case Result::PermError: return "permerror";
  }
  return "permerror";
}

Outcome check_host(std::string_view ip_text, std::string_view domain, std::string_view sender, const Request& request,
                   Resolver& resolver) {
  Outcome out;
  out.domain = str::to_lower(domain);
  if (!out.domain.empty() && out.domain.back() == '.') out.domain.pop_back();
  auto ip = IpAddress::parse(ip_text);
  if (!ip) {
    out.result = Result::PermError;
    out.reason = "client address '" + std::string(ip_text) + "' is not an IP address";
    return out;
  }
  Evaluator ev{request, resolver, *ip};
  try {
    bool found = false;
    out.result = ev.check(out.domain, sender, 0, out.mechanism, found);
    if (!found) out.reason = valid_domain(out.domain) ? "no SPF record" : "not a valid domain";
  } catch (const Error& e) {
    out.result = e.result;
    out.reason = e.reason;
    out.mechanism.clear();
  }
  out.dns_terms = ev.dns_terms;
  return out;
}

Outcome check_mail_from(const Request& request, Resolver& resolver) {
  if (request.mail_from.empty()) return check_helo(request, resolver);  // §2.4
  std::string sender = request.mail_from;
  auto at = sender.rfind('@');
  if (at == std::string::npos) {
    Outcome o;
    o.result = Result::None;
    o.reason = "MAIL FROM has no domain";
    return o;
  }
  if (at == 0) sender = "postmaster" + sender;  // §4.3: empty local-part
  return check_host(request.ip, sender.substr(sender.rfind('@') + 1), sender, request, resolver);
}

Outcome check_helo(const Request& request, Resolver& resolver) {
  return check_host(request.ip, request.helo, "postmaster@" + request.helo, request, resolver);
}

}  // namespace postamt::mailauth::spf
