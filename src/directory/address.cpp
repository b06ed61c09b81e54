// Address splitting, validation and normalisation (RFC 5321 §4.1.2, §4.5.3.1; see address.hpp).
#include "directory/address.hpp"

#include <cstring>

#include "common/strings.hpp"
#include "directory/errors.hpp"

namespace postamt::directory {
namespace {

bool is_atext(char c) {
  // RFC 5322 §3.2.3 atext.
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return c != '\0' && std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr;
}

bool is_ldh(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 80)) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  if (s.size() > 80) out += "...";
  return out;
}

}  // namespace

bool valid_domain(std::string_view domain) {
  if (domain.empty() || domain.size() > kMaxDomain) return false;
  for (auto label : str::split(domain, '.')) {
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!is_ldh(c)) return false;
  }
  return true;
}

bool valid_local_part(std::string_view local) {
  if (local.empty() || local.size() > kMaxLocalPart) return false;
  for (auto atom : str::split(local, '.')) {
    if (atom.empty()) return false;  // leading, trailing or doubled dot
    for (char c : atom)
      if (!is_atext(c)) return false;
  }
  return true;
}

std::optional<std::string> normalize_domain(std::string_view domain) {
  if (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
  if (!valid_domain(domain)) return std::nullopt;
  return str::to_lower(domain);
}

Address parse_address(std::string_view text, bool allow_catch_all) {
  auto at = text.rfind('@');
  if (at == std::string_view::npos) throw DataError("invalid address '" + printable(text) + "': no '@domain'");
  std::string_view local = text.substr(0, at), domain = text.substr(at + 1);
  auto norm = normalize_domain(domain);
  if (!norm) throw DataError("invalid domain '" + printable(domain) + "' in '" + printable(text) + "'");
  if (local.empty()) {
    if (allow_catch_all) return {"", *norm};
    throw DataError("invalid address '" + printable(text) + "': empty local part");
  }
  if (!valid_local_part(local)) {
    throw DataError("invalid local part '" + printable(local) + "' (letters, digits, dots and !#$%&'*+-/=?^_`{|}~ only)");
  }
  if (local.size() + 1 + norm->size() > kMaxAddress) throw DataError("address too long: '" + printable(text) + "'");
  return {std::string(local), *norm};
}

std::optional<Address> parse_recipient(std::string_view text) {
  text = str::trim(text);
  if (text.size() >= 2 && text.front() == '<' && text.back() == '>') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > 2 * kMaxAddress) return std::nullopt;
  auto at = text.rfind('@');
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  std::string_view local = text.substr(0, at), domain = text.substr(at + 1);
  auto norm = normalize_domain(domain);
  if (!norm) return std::nullopt;
  std::string out;
  if (local.front() == '"') {
    // RFC 5321 §4.1.2: Quoted-string = DQUOTE *QcontentSMTP DQUOTE, quoted-pairSMTP = "\" %d32-126.
    if (local.size() < 2 || local.back() != '"') return std::nullopt;
    for (std::size_t i = 1; i + 1 < local.size(); ++i) {
      char c = local[i];
      if (c == '"') return std::nullopt;
      if (c == '\\') {
        if (i + 2 >= local.size()) return std::nullopt;
        c = local[++i];
      }
      out += c;
    }
  } else {
    out = local;
  }
  if (out.empty() || out.size() > kMaxLocalPart) return std::nullopt;
  return Address{std::move(out), *norm};
}

}  // namespace postamt::directory
