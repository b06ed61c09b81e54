// RFC 5235 values from scanner header fields (see spam_scores.hpp).
#include "delivery/spam_scores.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "common/strings.hpp"
#include "sieve/match.hpp"

namespace postamt::delivery {
namespace {

constexpr std::size_t kMaxValueLength = 4096;  // longer values are not a scanner's verdict: untested

using str::iequals;
using str::trim;

// The value a "Name" / "Name: regex" setting selects: the first field's value, or its regex group 1.
std::optional<std::string> extract(const std::vector<std::pair<std::string, std::string>>& fields,
                                   const std::string& setting) {
  auto split = config::split_header_setting(setting);
  if (!split) return std::nullopt;
  for (const auto& [name, value] : fields) {
    if (!iequals(name, split->first)) continue;
    std::string_view v = trim(value);
    if (v.size() > kMaxValueLength) return std::nullopt;
    if (split->second.empty()) return std::string(v);
    std::vector<std::string> groups;
    auto matched = sieve::detail::regex_match(v, split->second, sieve::detail::Comparator::Octet, &groups, nullptr);
    if (!matched || !*matched || groups.size() < 2) return std::nullopt;
    return std::string(trim(groups[1]));
  }
  return std::nullopt;
}

// A decimal number ("7.3", "-1.6", "+2"); nullopt for anything else.
std::optional<double> number(std::string_view s) {
  if (s.empty() || s.size() > 32) return std::nullopt;
  std::string text(s);
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(v)) return std::nullopt;
  for (char c : text) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+')) return std::nullopt;
  }
  return v;
}

// The verdict as a share 0..1 of "certainly", or for type text the table's value; nullopt = untested.
struct Verdict {
  double ratio = 0;       // score / max, clamped to 0..1
  int text_value = -1;    // type text: the value from the table (0..top)
};

std::optional<Verdict> verdict(const std::vector<std::pair<std::string, std::string>>& fields,
                               const config::ScannerTestConfig& t) {
  if (t.header.empty()) return std::nullopt;
  auto value = extract(fields, t.header);
  if (!value) return std::nullopt;
  Verdict v;
  if (t.type == "text") {
    for (const auto& [text, n] : t.text) {
      if (iequals(trim(text), *value)) v.text_value = n;
    }
    if (v.text_value < 0) return std::nullopt;
    return v;
  }
  double score = 0;
  if (t.type == "strlen") {
    score = static_cast<double>(value->size());
  } else {
    auto n = number(*value);
    if (!n) return std::nullopt;
    score = *n;
  }
  double max = t.max;
  if (!t.max_header.empty()) {
    auto m = extract(fields, t.max_header);
    auto n = m ? number(*m) : std::nullopt;
    if (!n || *n <= 0) return std::nullopt;  // the maximum is part of the verdict: without it, untested
    max = *n;
  }
  v.ratio = std::clamp(score / max, 0.0, 1.0);
  return v;
}

}  // namespace

ScannerValues scanner_values(const std::vector<std::pair<std::string, std::string>>& fields,
                             const config::SieveConfig& config) {
  ScannerValues out;
  if (auto v = verdict(fields, config.spamtest)) {
    if (v->text_value >= 0) {
      out.spamtest = std::to_string(v->text_value);
      // §3.2.2: 0 % is "clear (or untested)"; the scale 1..10 maps onto 0..100.
      out.spamtest_percent = std::to_string(v->text_value <= 1 ? 0 : (v->text_value - 1) * 100 / 9);
    } else {
      // §3.2.1: 1 = tested and clear, 10 = certainly spam; a tested message is never "0".
      out.spamtest = std::to_string(1 + static_cast<int>(std::lround(v->ratio * 9)));
      out.spamtest_percent = std::to_string(std::lround(v->ratio * 100));
    }
  }
  if (auto v = verdict(fields, config.virustest)) {
    // §3.3: 1 = no known virus .. 5 = definitely contains a known virus.
    out.virustest = v->text_value >= 0 ? std::to_string(v->text_value)
                                       : std::to_string(1 + static_cast<int>(std::lround(v->ratio * 4)));
  }
  return out;
}

}  // namespace postamt::delivery
