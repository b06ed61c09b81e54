// Organizational domain (RFC 7489 §3.2 steps 1-4): Public Suffix List matching, built-in fallback.
#include "mailauth/dmarc/org_domain.hpp"

#include <set>

#include "common/fs.hpp"
#include "common/strings.hpp"

namespace postamt::mailauth::dmarc {
namespace {

// Second-level registries that sell names one label below them. A few dozen cover most mail; a
// complete answer needs the Public Suffix List (https://publicsuffix.org), which is not built in.
const std::set<std::string, std::less<>> kTwoLabelSuffixes = {
    "ac.uk", "co.uk", "gov.uk", "ltd.uk", "me.uk", "net.uk", "nhs.uk", "org.uk", "plc.uk", "sch.uk",
    "com.au", "net.au", "org.au", "edu.au", "gov.au", "asn.au", "id.au",
    "co.nz", "net.nz", "org.nz", "govt.nz", "ac.nz",
    "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "ad.jp", "ed.jp", "gr.jp", "lg.jp",
    "co.kr", "or.kr", "ne.kr", "go.kr", "ac.kr",
    "com.br", "net.br", "org.br", "gov.br", "com.cn", "net.cn", "org.cn", "gov.cn", "edu.cn",
    "com.tw", "org.tw", "net.tw", "edu.tw", "com.hk", "org.hk", "net.hk", "edu.hk",
    "co.in", "net.in", "org.in", "gov.in", "ac.in", "co.za", "org.za", "gov.za", "ac.za",
    "com.mx", "org.mx", "gob.mx", "com.ar", "org.ar", "com.tr", "org.tr", "gov.tr", "com.sg", "org.sg",
    "edu.sg", "com.my", "org.my", "co.il", "org.il", "ac.il", "co.id", "or.id", "ac.id", "go.id",
    "com.ua", "org.ua", "co.th", "ac.th", "in.th", "com.pl", "org.pl", "com.ru", "org.ru",
    "com.es", "org.es", "co.at", "or.at", "com.pt", "com.gr", "com.sa", "com.eg", "com.ng", "com.pk",
    "com.vn", "com.ph", "com.co", "com.pe", "com.ve", "com.uy", "co.ke", "co.tz", "co.ug",
};

std::string normalise(std::string_view domain) {
  if (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
  return str::to_lower(domain);
}

}  // namespace

PublicSuffixes PublicSuffixes::from_text(std::string_view text) {
  PublicSuffixes p;
  for (auto line : str::split(text, '\n')) {
    auto end = line.find_first_of(" \t\r");
    if (end != std::string_view::npos) line = line.substr(0, end);
    if (line.empty() || line.starts_with("//")) continue;
    if (line.starts_with("!")) p.exceptions_.insert(str::to_lower(line.substr(1)));
    else if (line.starts_with("*.")) p.wildcards_.insert(str::to_lower(line.substr(2)));
    else p.rules_.insert(str::to_lower(line));
  }
  return p;
}

PublicSuffixes PublicSuffixes::builtin() {
  PublicSuffixes p;
  p.rules_.insert(kTwoLabelSuffixes.begin(), kTwoLabelSuffixes.end());
  return p;  // every single label is a suffix by the "*" default rule
}

const PublicSuffixes& PublicSuffixes::system() {
  static const PublicSuffixes instance = [] {
    std::error_code ec;
    if (std::filesystem::is_regular_file(kPublicSuffixFile, ec) &&
        std::filesystem::file_size(kPublicSuffixFile, ec) < (16u << 20)) {
      try {
        auto p = from_text(fs::read_file(kPublicSuffixFile));
        p.from_file_ = true;
        if (!p.rules_.empty()) return p;
      } catch (const std::exception&) {
      }
    }
    return builtin();
  }();
  return instance;
}

std::string PublicSuffixes::public_suffix(std::string_view domain) const {
  std::string d = normalise(domain);
  // The longest matching rule wins; an exception rule "!x.y.z" makes "y.z" the suffix; the default
  // rule "*" makes the last label one (publicsuffix.org/list "Algorithm").
  std::string best = d.substr(d.rfind('.') == std::string::npos ? 0 : d.rfind('.') + 1);
  std::string_view rest = d;
  for (;;) {
    if (exceptions_.count(rest)) {
      auto dot = rest.find('.');
      return dot == std::string_view::npos ? std::string(rest) : std::string(rest.substr(dot + 1));
    }
    if (rules_.count(rest) && rest.size() > best.size()) best = rest;
    auto dot = rest.find('.');
    if (dot == std::string_view::npos) break;
    if (wildcards_.count(rest.substr(dot + 1)) && rest.size() > best.size()) best = rest;
    rest = rest.substr(dot + 1);
  }
  return best;
}

std::string PublicSuffixes::organizational_domain(std::string_view domain) const {
  std::string d = normalise(domain);
  std::string suffix = public_suffix(d);
  if (d.size() <= suffix.size()) return d;
  // One label more than the public suffix (RFC 7489 §3.2 step 3).
  std::string_view rest = std::string_view(d).substr(0, d.size() - suffix.size() - 1);
  auto dot = rest.rfind('.');
  std::string_view label = dot == std::string_view::npos ? rest : rest.substr(dot + 1);
  return std::string(label) + "." + suffix;
}

std::string organizational_domain(std::string_view domain) {
  return PublicSuffixes::system().organizational_domain(domain);
}
std::string public_suffix(std::string_view domain) { return PublicSuffixes::system().public_suffix(domain); }

}  // namespace postamt::mailauth::dmarc
