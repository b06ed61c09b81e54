// Comparators (RFC 4790 §9), match types (RFC 5228 §2.7.1), relational (RFC 5231 §4), regex.
#include "sieve/match.hpp"

#include <regex.h>

#include <algorithm>
#include <map>

#include "sieve/text.hpp"

namespace postamt::sieve::detail {
namespace {

char fold(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }  // i;ascii-casemap maps to upper

bool char_eq(char a, char b, Comparator c) { return c == Comparator::Octet ? a == b : fold(a) == fold(b); }

struct Pat {
  enum class Kind { Literal, One, Any } kind;
  char c = 0;
};

}  // namespace

bool equals(std::string_view a, std::string_view b, Comparator c) {
  if (c == Comparator::AsciiNumeric) return compare(a, b, c) == 0;
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!char_eq(a[i], b[i], c)) return false;
  return true;
}

bool contains(std::string_view value, std::string_view key, Comparator c) {
  if (key.empty()) return true;
  auto it = std::search(value.begin(), value.end(), key.begin(), key.end(),
                        [c](char a, char b) { return char_eq(a, b, c); });
  return it != value.end();
}

int compare(std::string_view a, std::string_view b, Comparator c) {
  if (c == Comparator::AsciiNumeric) {
    // RFC 4790 §9.1.1: the leading digits are the value; a string not starting with a digit is
    // positive infinity (equal to other infinities).
    auto digits = [](std::string_view s) {
      std::size_t n = 0;
      while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
      std::string_view d = s.substr(0, n);
      while (d.size() > 1 && d.front() == '0') d.remove_prefix(1);
      return std::pair<bool, std::string_view>(n > 0, d);
    };
    auto [an, ad] = digits(a);
    auto [bn, bd] = digits(b);
    if (!an || !bn) return an == bn ? 0 : (an ? -1 : 1);
    if (ad.size() != bd.size()) return ad.size() < bd.size() ? -1 : 1;
    return ad.compare(bd) < 0 ? -1 : ad.compare(bd) > 0 ? 1 : 0;
  }
  std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    auto x = static_cast<unsigned char>(c == Comparator::Octet ? a[i] : fold(a[i]));
    auto y = static_cast<unsigned char>(c == Comparator::Octet ? b[i] : fold(b[i]));
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

bool relation_holds(int cmp, Relation r) {
  switch (r) {
    case Relation::Gt: return cmp > 0;
    case Relation::Ge: return cmp >= 0;
    case Relation::Lt: return cmp < 0;
    case Relation::Le: return cmp <= 0;
    case Relation::Eq: return cmp == 0;
    case Relation::Ne: return cmp != 0;
  }
  return false;
}

// Iterative wildcard matching with backtracking to the last '*' only: O(n*m), no recursion. Each
// '*' takes as few characters as possible (RFC 5229 §3.2 non-greedy captures). '?' is one UTF-8
// character except under i;octet, where it is one octet.
bool glob_match(std::string_view v, std::string_view pattern, Comparator c, std::vector<std::string>* captures) {
  std::vector<Pat> p;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char ch = pattern[i];
    if (ch == '\\' && i + 1 < pattern.size()) {
      p.push_back({Pat::Kind::Literal, pattern[++i]});  // §2.7.1: "\" escapes the next character
    } else if (ch == '*') {
      if (!p.empty() && p.back().kind == Pat::Kind::Any && !captures) continue;
      p.push_back({Pat::Kind::Any, 0});
    } else if (ch == '?') {
      p.push_back({Pat::Kind::One, 0});
    } else {
      p.push_back({Pat::Kind::Literal, ch});
    }
  }
  std::vector<std::size_t> wild_index(p.size(), 0);
  std::size_t wilds = 0;
  for (std::size_t i = 0; i < p.size(); ++i)
    if (p[i].kind != Pat::Kind::Literal) wild_index[i] = wilds++;
  std::vector<std::pair<std::size_t, std::size_t>> caps(wilds, {0, 0});
  auto step = [&](std::size_t pos) { return c == Comparator::Octet ? 1 : utf8_length(v, pos); };

  std::size_t pi = 0, vi = 0;
  bool have_star = false;
  std::size_t star_pi = 0, star_begin = 0, star_end = 0;
  while (vi < v.size()) {
    if (pi < p.size() && p[pi].kind == Pat::Kind::One) {
      std::size_t n = step(vi);
      caps[wild_index[pi]] = {vi, vi + n};
      vi += n;
      ++pi;
    } else if (pi < p.size() && p[pi].kind == Pat::Kind::Literal && char_eq(p[pi].c, v[vi], c)) {
      ++vi;
      ++pi;
    } else if (pi < p.size() && p[pi].kind == Pat::Kind::Any) {
      have_star = true;
      star_pi = pi;
      star_begin = star_end = vi;
      caps[wild_index[pi]] = {vi, vi};
      ++pi;
    } else if (have_star && star_end < v.size()) {
      star_end += step(star_end);  // let the last '*' take one more character
      caps[wild_index[star_pi]] = {star_begin, star_end};
      vi = star_end;
      pi = star_pi + 1;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi].kind == Pat::Kind::Any) {
    caps[wild_index[pi]] = {v.size(), v.size()};
    ++pi;
  }
  if (pi != p.size()) return false;
  if (captures) {
    captures->clear();
    captures->emplace_back(v);
    for (const auto& [b, e] : caps) captures->emplace_back(v.substr(b, e - b));
  }
  return true;
}

namespace {

// Compiled patterns, per thread (regcomp costs far more than a match: the scanners' spamtest
// patterns and scripts' :regex tests repeat for every delivery). Bounded: emptied when full.
class RegexCache {
 public:
  static constexpr std::size_t kMaxEntries = 64;
  ~RegexCache() { clear(); }
  const regex_t* get(const std::string& pattern, int flags, std::string* error) {
    auto key = std::make_pair(pattern, flags);
    if (auto it = entries_.find(key); it != entries_.end()) return &it->second;
    if (entries_.size() >= kMaxEntries) clear();
    regex_t re;
    if (int rc = regcomp(&re, pattern.c_str(), flags); rc != 0) {
      char buf[256];
      regerror(rc, &re, buf, sizeof buf);
      if (error) *error = std::string("invalid regular expression: ") + buf;
      return nullptr;
    }
    return &entries_.emplace(std::move(key), re).first->second;
  }

 private:
  void clear() {
    for (auto& [key, re] : entries_) regfree(&re);
    entries_.clear();
  }
  std::map<std::pair<std::string, int>, regex_t> entries_;
};

const regex_t* compiled_regex(const std::string& pattern, int flags, std::string* error) {
  thread_local RegexCache cache;
  return cache.get(pattern, flags, error);
}

}  // namespace

std::optional<bool> regex_match(std::string_view value, const std::string& pattern, Comparator c,
                                std::vector<std::string>* captures, std::string* error) {
  if (pattern.size() > kMaxRegexLength) {
    if (error) *error = "regular expression too long";
    return std::nullopt;
  }
  // Back-references make POSIX matching exponential in the worst case: refused.
  for (std::size_t i = 0; i + 1 < pattern.size(); ++i) {
    if (pattern[i] == '\\' && pattern[i + 1] >= '1' && pattern[i + 1] <= '9') {
      if (error) *error = "back-references are not supported in regular expressions";
      return std::nullopt;
    }
    if (pattern[i] == '\\') ++i;
  }
  const int flags = REG_EXTENDED | (c == Comparator::AsciiCasemap ? REG_ICASE : 0);
  const regex_t* re = compiled_regex(pattern, flags, error);
  if (!re) return std::nullopt;
  std::string subject(value);
  if (subject.find('\0') != std::string::npos) subject.resize(subject.find('\0'));
  regmatch_t m[10];
  bool ok = regexec(re, subject.c_str(), 10, m, 0) == 0;
  if (ok && captures) {
    captures->clear();
    for (const auto& g : m) {
      if (g.rm_so < 0) {
        captures->emplace_back();
      } else {
        captures->push_back(subject.substr(static_cast<std::size_t>(g.rm_so), static_cast<std::size_t>(g.rm_eo - g.rm_so)));
      }
    }
  }
  return ok;
}

std::string quote_wildcard(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '*' || c == '?' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string quote_regex(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\^$.[]|()?*+{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace postamt::sieve::detail
