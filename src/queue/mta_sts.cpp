// MTA-STS record and policy parsing, MX matching and the cache decision (RFC 8461 §3.1, §3.2, §4.1, §5.1).
#include "queue/mta_sts.hpp"

#include <algorithm>
#include <cctype>

#include "common/strings.hpp"

namespace postamt::queue::mta_sts {
namespace {

bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool wsp(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_wsp(std::string_view s) {
  while (!s.empty() && wsp(s.front())) s.remove_prefix(1);
  while (!s.empty() && wsp(s.back())) s.remove_suffix(1);
  return s;
}

// RFC 5321 §4.1.2 Domain, roughly: dot-separated labels of letters, digits and inner hyphens.
bool domain_ok(std::string_view d) {
  if (d.empty() || d.size() > 253) return false;
  std::size_t label = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    char c = d[i];
    if (c == '.') {
      if (label == 0 || d[i - 1] == '-') return false;
      label = 0;
    } else if (alnum(c) || (c == '-' && label > 0)) {
      if (++label > 63) return false;
    } else {
      return false;
    }
  }
  return label > 0 && d.back() != '-';
}

}  // namespace

const char* to_string(Mode m) {
  switch (m) {
    case Mode::Enforce: return "enforce";
    case Mode::Testing: return "testing";
    case Mode::None: return "none";
  }
  return "?";
}

std::optional<std::string> parse_record(std::string_view txt) {
  // §3.1: sts-version 1*(sts-field-delim sts-field) [sts-field-delim]; the version comes first.
  constexpr std::string_view kVersion = "v=STSv1";
  if (txt.substr(0, kVersion.size()) != kVersion) return std::nullopt;
  std::string_view rest = txt.substr(kVersion.size());
  std::optional<std::string> id;
  bool any_field = false;
  while (true) {
    rest = trim_wsp(rest);  // *WSP ";" *WSP
    if (rest.empty()) break;
    if (rest.front() != ';') return std::nullopt;
    rest = trim_wsp(rest.substr(1));
    if (rest.empty()) break;  // the optional trailing delimiter
    auto end = rest.find_first_of("; \t");
    std::string_view field = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    auto eq = field.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == field.size()) return std::nullopt;
    std::string_view name = field.substr(0, eq), value = field.substr(eq + 1);
    if (name.size() > 32 || !alnum(name[0])) return std::nullopt;
    for (char c : name)
      if (!alnum(c) && c != '_' && c != '-' && c != '.') return std::nullopt;
    for (char c : value)  // sts-ext-value: %x21-3A / %x3C / %x3E-7E
      if (c < 0x21 || c > 0x7e || c == ';' || c == '=') return std::nullopt;
    any_field = true;
    if (name == "id") {
      if (value.size() > 32) return std::nullopt;  // sts-id = 1*32(ALPHA / DIGIT)
      for (char c : value)
        if (!alnum(c)) return std::nullopt;
      if (!id) id = std::string(value);
    }
  }
  if (!any_field || !id) return std::nullopt;
  return id;
}

std::optional<std::string> select_record(const std::vector<std::string>& txts) {
  const std::string* only = nullptr;
  std::size_t count = 0;
  for (const auto& t : txts) {
    // "records that do not begin with "v=STSv1;" are discarded" (whitespace may precede the ';').
    std::string_view v = t;
    if (v.substr(0, 7) != "v=STSv1") continue;
    if (trim_wsp(v.substr(7)).substr(0, 1) != ";") continue;
    only = &t;
    ++count;
  }
  if (count != 1) return std::nullopt;
  return parse_record(*only);
}

ParseResult parse_policy(std::string_view body) {
  ParseResult r;
  if (body.size() > kMaxPolicySize) {
    r.error = "policy larger than 64 KiB";
    return r;
  }
  std::optional<std::string> version, mode, max_age;
  Policy p;
  while (!body.empty()) {
    auto nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    body = nl == std::string_view::npos ? std::string_view{} : body.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = trim_wsp(line);  // trailing *WSP is allowed after a field
    if (line.empty()) continue;
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      r.error = "line without \"key: value\": " + std::string(line.substr(0, 60));
      return r;
    }
    std::string_view key = line.substr(0, colon);
    std::string_view value = trim_wsp(line.substr(colon + 1));
    for (char c : key)
      if (!alnum(c) && c != '_' && c != '-' && c != '.') {
        r.error = "malformed key: " + std::string(key.substr(0, 40));
        return r;
      }
    for (char c : value)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        r.error = "control character in the value of " + std::string(key);
        return r;
      }
    // §3.2: every field but mx counts once, the first instance; unknown keys are ignored.
    if (key == "version") {
      if (!version) version = std::string(value);
    } else if (key == "mode") {
      if (!mode) mode = std::string(value);
    } else if (key == "max_age") {
      if (!max_age) max_age = std::string(value);
    } else if (key == "mx") {
      std::string pattern = str::to_lower(value);
      std::string_view d = pattern;
      if (d.substr(0, 2) == "*.") d.remove_prefix(2);
      if (!domain_ok(d)) {
        r.error = "malformed mx pattern: " + std::string(value.substr(0, 60));
        return r;
      }
      if (p.mx.size() >= kMaxMxPatterns) {
        r.error = "more than 100 mx patterns";
        return r;
      }
      p.mx.push_back(std::move(pattern));
    }
  }
  if (!version || *version != "STSv1") {
    r.error = version ? "unsupported version " + version->substr(0, 20) : "no version field";
    return r;
  }
  if (!mode) {
    r.error = "no mode field";
    return r;
  }
  if (*mode == "enforce") p.mode = Mode::Enforce;
  else if (*mode == "testing") p.mode = Mode::Testing;
  else if (*mode == "none") p.mode = Mode::None;
  else {
    r.error = "unknown mode " + mode->substr(0, 20);
    return r;
  }
  // max-age-value = 1*10(DIGIT), at most 31557600.
  if (!max_age || max_age->empty() || max_age->size() > 10) {
    r.error = max_age ? "malformed max_age" : "no max_age field";
    return r;
  }
  for (char c : *max_age)
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      r.error = "malformed max_age";
      return r;
    }
  p.max_age = std::min<std::int64_t>(std::stoll(*max_age), kMaxMaxAge);
  if (p.mode != Mode::None && p.mx.empty()) {
    r.error = "no mx field";
    return r;
  }
  r.policy = std::move(p);
  return r;
}

bool host_matches(std::string_view pattern, std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (pattern.substr(0, 2) == "*.") {
    // The wildcard is exactly the left-most label: "*.example.com" matches "mail.example.com", not
    // "example.com" nor "foo.bar.example.com".
    auto dot = host.find('.');
    if (dot == std::string_view::npos || dot == 0) return false;
    return str::iequals(host.substr(dot + 1), pattern.substr(2));
  }
  return str::iequals(pattern, host);
}

bool mx_allowed(const Policy& policy, std::string_view host) {
  for (const auto& p : policy.mx)
    if (host_matches(p, host)) return true;
  return false;
}

Step decide(const std::optional<Cached>& cached, const std::optional<std::string>& txt_id, std::int64_t now,
            std::int64_t last_failed_fetch) {
  bool usable = cached && !cached->expired(now);
  // §3.1: no usable TXT record does not by itself remove a cached policy (§5.1).
  if (!txt_id) return usable ? Step::UseCached : Step::NoPolicy;
  // The same id, fetched less than a day ago: nothing changed (§3.3 refresh once per day).
  if (usable && cached->id == *txt_id && now - cached->fetched < kRefreshSeconds) return Step::UseCached;
  // A fetch for this id failed recently: not again within five minutes (§3.3).
  if (last_failed_fetch != 0 && now - last_failed_fetch < kFetchRetrySeconds)
    return usable ? Step::UseCached : Step::NoPolicy;
  return Step::Fetch;
}

bool content_type_ok(std::string_view content_type) {
  auto semi = content_type.find(';');
  return str::iequals(trim_wsp(content_type.substr(0, semi)), "text/plain");
}

}  // namespace postamt::queue::mta_sts
