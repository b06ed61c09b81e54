// DKIM-Signature and key record parsing (RFC 6376 §3.5, §3.6.1, §6.1.1, §6.1.2; RFC 8463 §4;
// RFC 8301 §3.1 withdraws rsa-sha1).
#include "mailauth/dkim/signature.hpp"

#include <charconv>

#include "common/strings.hpp"
#include "mailauth/dkim/tag_list.hpp"

namespace postamt::mailauth::dkim {
namespace {

std::optional<std::uint64_t> parse_number(std::string_view s) {
  if (s.empty() || s.size() > 12) return std::nullopt;  // §3.5: at most 12 digits
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::vector<std::string> split_list(std::string_view s, char sep) {
  std::vector<std::string> out;
  for (auto part : str::split(s, sep)) {
    std::string t = strip_fws(part);
    if (!t.empty()) out.push_back(str::to_lower(t));
  }
  return out;
}

bool valid_domain(std::string_view d) {
  if (d.empty() || d.size() > 253) return false;
  for (char c : d)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
          c == '_'))
      return false;
  return true;
}

}  // namespace

bool parse_algorithm(std::string_view name, Algorithm& out) {
  if (str::iequals(name, "rsa-sha256")) out = Algorithm::RsaSha256;
  else if (str::iequals(name, "ed25519-sha256")) out = Algorithm::Ed25519Sha256;
  else return false;
  return true;
}

const char* algorithm_name(Algorithm a) { return a == Algorithm::RsaSha256 ? "rsa-sha256" : "ed25519-sha256"; }

std::optional<Signature> parse_signature(std::string_view value, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<Signature> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  std::string tag_error;
  auto tags = parse_tag_list(value, &tag_error);
  if (!tags) return fail("bad signature syntax: " + tag_error);
  for (const char* required : {"v", "a", "b", "bh", "d", "h", "s"})
    if (!tags->count(required)) return fail(std::string("signature lacks the ") + required + "= tag");
  if (tags->at("v") != "1") return fail("unsupported signature version v=" + tags->at("v"));
  Signature sig;
  sig.algorithm_name = str::to_lower(tags->at("a"));
  if (sig.algorithm_name == "rsa-sha1") return fail("rsa-sha1 is no longer accepted (RFC 8301)");
  if (!parse_algorithm(sig.algorithm_name, sig.algorithm)) return fail("unknown algorithm a=" + sig.algorithm_name);
  if (auto c = tags->find("c"); c != tags->end() && !parse_canon(str::to_lower(c->second), sig.header_canon, sig.body_canon))
    return fail("unknown canonicalization c=" + c->second);
  sig.b_text = strip_fws(tags->at("b"));
  auto b = base64_decode(sig.b_text);
  auto bh = base64_decode(tags->at("bh"));
  if (!b || b->empty()) return fail("b= is not base64");
  if (!bh || bh->size() != 32) return fail("bh= is not a base64 SHA-256 hash");
  sig.signature = *b;
  sig.body_hash = *bh;
  sig.domain = str::to_lower(strip_fws(tags->at("d")));
  sig.selector = str::to_lower(strip_fws(tags->at("s")));
  if (!valid_domain(sig.domain)) return fail("bad d= domain");
  if (!valid_domain(sig.selector)) return fail("bad s= selector");
  sig.headers = split_list(tags->at("h"), ':');
  bool has_from = false;
  for (const auto& h : sig.headers) has_from |= h == "from";
  if (!has_from) return fail("h= does not include From");  // §5.4
  if (auto q = tags->find("q"); q != tags->end()) {
    bool dns = false;
    for (const auto& m : split_list(q->second, ':')) dns |= m == "dns/txt";
    if (!dns) return fail("q= has no dns/txt");
  }
  sig.identity = "@" + sig.domain;
  if (auto i = tags->find("i"); i != tags->end()) {
    sig.identity = strip_fws(i->second);
    auto at = sig.identity.rfind('@');
    if (at == std::string::npos) return fail("i= has no '@'");
    std::string idom = str::to_lower(std::string_view(sig.identity).substr(at + 1));
    // §3.5 i=: the domain must be the same as or a subdomain of d=.
    if (idom != sig.domain && !(idom.size() > sig.domain.size() && idom.ends_with("." + sig.domain)))
      return fail("i= domain is not within d=");
  }
  for (auto [tag, field] : {std::pair{"l", &sig.body_length}, {"t", &sig.timestamp}, {"x", &sig.expiration}}) {
    auto it = tags->find(tag);
    if (it == tags->end()) continue;
    auto n = parse_number(strip_fws(it->second));
    if (!n) return fail(std::string("bad ") + tag + "= number");
    *field = *n;
  }
  if (sig.timestamp && sig.expiration && *sig.expiration < *sig.timestamp)
    return fail("x= is before t=");
  return sig;
}

std::optional<KeyRecord> parse_key_record(std::string_view txt, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<KeyRecord> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  std::string tag_error;
  auto tags = parse_tag_list(txt, &tag_error);
  if (!tags) return fail("bad key record syntax: " + tag_error);
  KeyRecord k;
  if (auto v = tags->find("v"); v != tags->end()) {
    // §3.6.1: v= must be first when present; the map loses order, so check the text.
    std::string_view t = txt;
    while (!t.empty() && (t[0] == ' ' || t[0] == '\t')) t.remove_prefix(1);
    if (v->second != "DKIM1" || !t.starts_with("v")) return fail("key record v= is not DKIM1 (or not first)");
  }
  if (!tags->count("p")) return fail("key record has no p=");
  if (auto kt = tags->find("k"); kt != tags->end()) k.key_type = str::to_lower(strip_fws(kt->second));
  if (auto h = tags->find("h"); h != tags->end()) k.hashes = split_list(h->second, ':');
  if (auto s = tags->find("s"); s != tags->end()) k.service_types = split_list(s->second, ':');
  if (auto t = tags->find("t"); t != tags->end())
    for (const auto& flag : split_list(t->second, ':')) {
      k.testing |= flag == "y";
      k.strict_identity |= flag == "s";
    }
  std::string p = strip_fws(tags->at("p"));
  if (!p.empty()) {
    auto decoded = base64_decode(p);
    if (!decoded) return fail("key record p= is not base64");
    k.public_key = *decoded;
  }
  return k;
}

std::string without_b_value(std::string_view raw) {
  auto colon = raw.find(':');
  if (colon == std::string_view::npos) return std::string(raw);
  std::size_t pos = colon + 1;
  while (pos < raw.size()) {
    std::size_t semi = raw.find(';', pos);
    std::size_t end = semi == std::string_view::npos ? raw.size() : semi;
    std::string_view spec = raw.substr(pos, end - pos);
    auto eq = spec.find('=');
    if (eq != std::string_view::npos && strip_fws(spec.substr(0, eq)) == "b") {
      std::string out(raw.substr(0, pos + eq + 1));
      out.append(raw.substr(end));
      return out;
    }
    if (semi == std::string_view::npos) break;
    pos = semi + 1;
  }
  return std::string(raw);
}

}  // namespace postamt::mailauth::dkim
