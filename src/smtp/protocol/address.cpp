// Envelope path and mailbox parsing (RFC 5321 §4.1.2 grammar, §4.5.3.1.1-3 limits, RFC 6531 §3.3 UTF-8).
#include "smtp/protocol/address.hpp"

#include <arpa/inet.h>

#include "common/strings.hpp"
#include "smtp/protocol/limits.hpp"

namespace postamt::smtp::protocol {
namespace {

bool is_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

// atext (RFC 5322 §3.2.3, used by RFC 5321 Atom).
bool is_atext(unsigned char c) {
  if (is_alpha(c) || is_digit(c)) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-': case '/':
    case '=': case '?': case '^': case '_': case '`': case '{': case '|': case '}': case '~':
      return true;
    default:
      return false;
  }
}

// Length of the well-formed UTF-8 sequence (RFC 3629 §4) of a non-ASCII character at s[i], 0 if none.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = at(i);
  std::size_t n;
  unsigned char lo = 0x80, hi = 0xbf;  // range of the second octet
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0) lo = 0xa0;       // no overlongs
    else if (c == 0xed) hi = 0x9f;  // no surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0) lo = 0x90;
    else if (c == 0xf4) hi = 0x8f;  // <= U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (at(i + k) < 0x80 || at(i + k) > 0xbf) return 0;
  return n;
}

// Skips one character that may appear in atext / a label: ASCII per `ascii_ok`, or (RFC 6531 §3.3
// UTF8-non-ascii) one well-formed UTF-8 character. Returns octets consumed, 0 if none; sets `non_ascii`.
template <class AsciiOk>
std::size_t take_char(std::string_view s, std::size_t i, AsciiOk ascii_ok, bool& non_ascii) {
  if (i >= s.size()) return 0;
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return ascii_ok(c) ? 1 : 0;
  std::size_t n = utf8_length(s, i);
  if (n) non_ascii = true;
  return n;
}

// Scans a Dot-string starting at i; returns the end index (== i when nothing matched or malformed).
std::size_t scan_dot_string(std::string_view s, std::size_t i, bool& non_ascii) {
  std::size_t pos = i;
  for (;;) {
    std::size_t atom_start = pos;
    while (std::size_t n = take_char(s, pos, is_atext, non_ascii)) pos += n;
    if (pos == atom_start) return i;  // empty atom: leading, trailing or doubled dot
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      continue;
    }
    return pos;
  }
}

// Scans a Domain starting at i (labels checked for Let-dig ends and 63 octets); returns end or i.
std::size_t scan_domain(std::string_view s, std::size_t i, bool& non_ascii) {
  auto ldh = [](unsigned char c) { return is_alpha(c) || is_digit(c) || c == '-'; };
  std::size_t pos = i;
  for (;;) {
    std::size_t label_start = pos;
    while (std::size_t n = take_char(s, pos, ldh, non_ascii)) pos += n;
    if (pos == label_start || pos - label_start > 63) return i;
    if (s[label_start] == '-' || s[pos - 1] == '-') return i;  // sub-domain = Let-dig [Ldh-str]
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      continue;
    }
    return pos;
  }
}

bool is_ipv4_literal(std::string_view s) {
  auto parts = str::split(s, '.');
  if (parts.size() != 4) return false;
  for (auto p : parts) {
    if (p.empty() || p.size() > 3) return false;  // Snum = 1*3DIGIT, value 0-255
    int v = 0;
    for (char c : p) {
      if (!is_digit(static_cast<unsigned char>(c))) return false;
      v = v * 10 + (c - '0');
    }
    if (v > 255) return false;
  }
  return true;
}

bool is_ipv6_literal(std::string_view s) {
  if (s.empty() || s.size() > 45) return false;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (!(is_digit(u) || (u >= 'a' && u <= 'f') || (u >= 'A' && u <= 'F') || c == ':' || c == '.')) return false;
  }
  std::string z(s);
  in6_addr addr;
  return inet_pton(AF_INET6, z.c_str(), &addr) == 1;
}

// Finds the end of an address literal starting with '[' at i; returns index after ']' or i.
std::size_t scan_address_literal(std::string_view s, std::size_t i) {
  if (i >= s.size() || s[i] != '[') return i;
  auto close = s.find(']', i + 1);
  if (close == std::string_view::npos) return i;
  return is_address_literal(s.substr(i, close + 1 - i)) ? close + 1 : i;
}

ErrorKind path_kind_error(PathKind kind) {
  return kind == PathKind::Reverse ? ErrorKind::BadSenderAddress : ErrorKind::BadRecipientAddress;
}

Error address_error(PathKind kind, ErrorKind ek, std::string text) {
  const char* enhanced = kind == PathKind::Reverse ? "5.1.7" : "5.1.3";
  if (ek == ErrorKind::NonAsciiAddress) return Error{ek, Reply{553, "5.6.7", std::move(text)}};
  return Error{ek, Reply{501, enhanced, std::move(text)}};
}

struct MailboxScan {
  Mailbox mailbox;
  std::size_t end = 0;
  std::size_t local_wire_length = 0;
  const char* error = nullptr;
};

// Mailbox = Local-part "@" ( Domain / address-literal ) starting at i. UTF-8 is recognised always and
// flagged in mailbox.utf8; the caller decides whether it is allowed. local_wire_length is set even
// when '@' is missing, so that the caller can recognise "<Postmaster>".
MailboxScan scan_mailbox(std::string_view s, std::size_t i) {
  MailboxScan r;
  Mailbox& m = r.mailbox;
  std::size_t pos = i;
  bool non_ascii = false;
  if (pos < s.size() && s[pos] == '"') {
    // Quoted-string = DQUOTE *QcontentSMTP DQUOTE; qtextSMTP = %d32-33 / %d35-91 / %d93-126,
    // quoted-pairSMTP = "\" %d32-126 (RFC 5321 §4.1.2); UTF8-non-ascii added by RFC 6531 §3.3.
    m.quoted = true;
    ++pos;
    for (;;) {
      if (pos >= s.size()) {
        r.error = "Unterminated quoted local part";
        return r;
      }
      unsigned char c = static_cast<unsigned char>(s[pos]);
      if (c == '"') {
        ++pos;
        break;
      }
      if (c == '\\') {
        if (pos + 1 >= s.size() || static_cast<unsigned char>(s[pos + 1]) < 32 ||
            static_cast<unsigned char>(s[pos + 1]) > 126) {
          r.error = "Bad quoted-pair in local part";
          return r;
        }
        m.local_part.push_back(s[pos + 1]);
        pos += 2;
        continue;
      }
      if (c >= 0x80) {
        std::size_t n = utf8_length(s, pos);
        if (!n) {
          r.error = "Malformed UTF-8 in local part";
          return r;
        }
        non_ascii = true;
        m.local_part.append(s.substr(pos, n));
        pos += n;
        continue;
      }
      if (c < 32 || c == 127) {
        r.error = "Control character in local part";
        return r;
      }
      m.local_part.push_back(static_cast<char>(c));
      ++pos;
    }
  } else {
    std::size_t end = scan_dot_string(s, pos, non_ascii);
    if (end == pos) {
      r.error = "Syntax error in local part";
      return r;
    }
    m.local_part.assign(s.substr(pos, end - pos));
    pos = end;
  }
  r.local_wire_length = pos - i;
  r.end = pos;
  if (pos >= s.size() || s[pos] != '@') {
    r.error = "Missing @domain";
    return r;
  }
  ++pos;
  std::size_t dstart = pos;
  if (pos < s.size() && s[pos] == '[') {
    pos = scan_address_literal(s, pos);
    m.address_literal = true;
  } else {
    pos = scan_domain(s, pos, non_ascii);
  }
  if (pos == dstart) {
    r.error = m.address_literal ? "Bad address literal" : "Syntax error in domain";
    return r;
  }
  m.domain.assign(s.substr(dstart, pos - dstart));
  m.utf8 = non_ascii;
  r.end = pos;
  if (r.local_wire_length > kMaxLocalPart) r.error = "Local part too long";
  else if (m.domain.size() > kMaxDomain) r.error = "Domain too long";
  return r;
}

}  // namespace

bool is_dot_string(std::string_view text, bool allow_utf8) {
  bool non_ascii = false;
  return !text.empty() && scan_dot_string(text, 0, non_ascii) == text.size() && (allow_utf8 || !non_ascii);
}

bool is_domain(std::string_view text, bool allow_utf8) {
  bool non_ascii = false;
  return !text.empty() && text.size() <= kMaxDomain && scan_domain(text, 0, non_ascii) == text.size() &&
         (allow_utf8 || !non_ascii);
}

bool is_address_literal(std::string_view text) {
  if (text.size() < 3 || text.front() != '[' || text.back() != ']' || text.size() > kMaxDomain) return false;
  std::string_view inner = text.substr(1, text.size() - 2);
  if (is_ipv4_literal(inner)) return true;
  auto colon = inner.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view tag = inner.substr(0, colon), content = inner.substr(colon + 1);
  if (str::iequals(tag, "IPv6")) return is_ipv6_literal(content);
  // General-address-literal = Standardized-tag ":" 1*dcontent; dcontent = %d33-90 / %d94-126.
  bool non_ascii = false;
  auto ldh = [](unsigned char c) { return is_alpha(c) || is_digit(c) || c == '-'; };
  std::size_t n = 0;
  while (std::size_t k = take_char(tag, n, ldh, non_ascii)) n += k;
  if (n != tag.size() || non_ascii || tag.back() == '-') return false;
  if (content.empty()) return false;
  for (unsigned char c : content)
    if (c < 33 || c > 126 || (c >= 91 && c <= 93)) return false;
  return true;
}

std::string Mailbox::str() const {
  std::string out;
  if (is_dot_string(local_part, true)) {
    out = local_part;
  } else {
    out.push_back('"');
    for (char c : local_part) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('@');
  out.append(domain);
  return out;
}

std::string Path::str() const {
  if (null) return {};
  if (postmaster) return "postmaster";
  return mailbox.str();
}

PathResult parse_path_prefix(std::string_view s, PathKind kind, bool allow_utf8, std::size_t& consumed) {
  consumed = 0;
  Path path;
  if (s.empty() || s[0] != '<') return address_error(kind, path_kind_error(kind), "Address must be in angle brackets <...>");
  auto finish = [&](std::size_t end) -> PathResult {
    if (end > kMaxPath) return address_error(kind, ErrorKind::PathTooLong, "Path too long");
    consumed = end;
    return path;
  };
  if (s.size() >= 2 && s[1] == '>') {
    if (kind == PathKind::Forward) return address_error(kind, ErrorKind::BadRecipientAddress, "Null recipient not allowed");
    path.null = true;
    return finish(2);
  }
  std::size_t pos = 1;
  if (pos < s.size() && s[pos] == '@') {
    // A-d-l = At-domain *( "," At-domain ) ":" (RFC 5321 §4.1.2); receivers SHOULD ignore it (§C),
    // we report it instead so that relay policy can refuse it.
    path.source_route = true;
    for (;;) {
      if (pos >= s.size() || s[pos] != '@') return address_error(kind, path_kind_error(kind), "Syntax error in source route");
      ++pos;
      bool non_ascii = false;
      std::size_t end = scan_domain(s, pos, non_ascii);
      if (end == pos) end = scan_address_literal(s, pos);  // tolerated in routes by many MTAs
      if (end == pos) return address_error(kind, path_kind_error(kind), "Syntax error in source route");
      if (non_ascii && !allow_utf8) return address_error(kind, ErrorKind::NonAsciiAddress, "Non-ASCII address requires SMTPUTF8");
      if (path.route.size() >= kMaxRouteHops) return address_error(kind, ErrorKind::PathTooLong, "Source route too long");
      path.route.emplace_back(s.substr(pos, end - pos));
      pos = end;
      if (pos < s.size() && s[pos] == ',') {
        ++pos;
        continue;
      }
      if (pos < s.size() && s[pos] == ':') {
        ++pos;
        break;
      }
      return address_error(kind, path_kind_error(kind), "Syntax error in source route");
    }
  }
  MailboxScan m = scan_mailbox(s, pos);
  // "<Postmaster>" (RFC 5321 §4.1.1.3): a forward path with no domain, case-insensitive.
  if (kind == PathKind::Forward && !path.source_route && !m.mailbox.quoted && m.local_wire_length == 10 &&
      pos + 10 < s.size() && s[pos + 10] == '>' && str::iequals(s.substr(pos, 10), "postmaster")) {
    path.postmaster = true;
    return finish(pos + 11);
  }
  if (m.error) return address_error(kind, path_kind_error(kind), m.error);
  if (m.mailbox.utf8 && !allow_utf8) return address_error(kind, ErrorKind::NonAsciiAddress, "Non-ASCII address requires SMTPUTF8");
  pos = m.end;
  if (pos >= s.size() || s[pos] != '>') return address_error(kind, path_kind_error(kind), "Missing > after address");
  path.mailbox = std::move(m.mailbox);
  return finish(pos + 1);
}

PathResult parse_path(std::string_view text, PathKind kind, bool allow_utf8) {
  std::size_t consumed = 0;
  PathResult r = parse_path_prefix(text, kind, allow_utf8, consumed);
  if (std::holds_alternative<Path>(r) && consumed != text.size())
    return address_error(kind, path_kind_error(kind), "Unexpected text after address");
  return r;
}

std::optional<Mailbox> parse_mailbox(std::string_view text, bool allow_utf8) {
  MailboxScan m = scan_mailbox(text, 0);
  if (m.error || m.end != text.size() || (m.mailbox.utf8 && !allow_utf8)) return std::nullopt;
  return std::move(m.mailbox);
}

bool has_percent_hack(const Mailbox& m) { return m.local_part.find('%') != std::string::npos; }
bool has_bang_path(const Mailbox& m) { return m.local_part.find('!') != std::string::npos; }
bool has_at_in_local_part(const Mailbox& m) { return m.local_part.find('@') != std::string::npos; }

bool has_relay_hack(const Path& p) {
  return p.source_route || has_percent_hack(p.mailbox) || has_bang_path(p.mailbox) || has_at_in_local_part(p.mailbox);
}

}  // namespace postamt::smtp::protocol
