// Organizational domains (RFC 7489 §3.2): the Public Suffix List rules (normal, "*." wildcard and "!"
// exception rules, https://publicsuffix.org/list/) read from Debian's publicsuffix package when it is
// installed, else a small built-in list of two-label suffixes (co.uk, com.au, ...): see DESIGN.md.
#pragma once
#include <filesystem>
#include <set>
#include <string>
#include <string_view>

namespace postamt::mailauth::dmarc {

inline constexpr const char* kPublicSuffixFile = "/usr/share/publicsuffix/public_suffix_list.dat";

class PublicSuffixes {
 public:
  // The rules of a public_suffix_list.dat text (comments, blank lines and anything after the first
  // whitespace of a line are skipped). Rules are lower case; IDN rules stay in UTF-8.
  static PublicSuffixes from_text(std::string_view text);
  // The built-in fallback: every TLD plus the two-label suffixes of the built-in list.
  static PublicSuffixes builtin();
  // kPublicSuffixFile if readable, else builtin(); loaded once per process.
  static const PublicSuffixes& system();

  std::string public_suffix(std::string_view domain) const;         // "co.uk" for "a.b.co.uk"
  std::string organizational_domain(std::string_view domain) const;  // "b.co.uk"
  bool from_file() const { return from_file_; }

 private:
  std::set<std::string, std::less<>> rules_, wildcards_, exceptions_;
  bool from_file_ = false;
};

// PublicSuffixes::system() shortcuts. Lower case, trailing dot removed; a domain that is itself a
// public suffix is its own organizational domain.
std::string organizational_domain(std::string_view domain);
std::string public_suffix(std::string_view domain);

}  // namespace postamt::mailauth::dmarc
