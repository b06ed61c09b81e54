// IMAP quoted strings and literals (RFC 3501 §4.3, §9: quoted = DQUOTE *QUOTED-CHAR DQUOTE,
// quoted-specials escaped with "\"; literal = "{" number "}" CRLF *CHAR8).
#include "mime/imap_string.hpp"

namespace postamt::mime {

void append_imap_string(std::string& out, std::string_view s) {
  bool literal = false;
  bool has_nul = false;
  for (unsigned char c : s) {
    if (c == '\r' || c == '\n' || c >= 0x80) literal = true;
    if (c == 0) has_nul = true;
  }
  std::string clean;
  if (has_nul) {
    clean.reserve(s.size());
    for (char c : s)
      if (c != 0) clean.push_back(c);
    s = clean;
  }
  if (literal) {
    out += '{';
    out += std::to_string(s.size());
    out += "}\r\n";
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

void append_imap_nstring(std::string& out, std::string_view s) {
  if (s.empty()) {
    out += "NIL";
  } else {
    append_imap_string(out, s);
  }
}

std::string imap_string(std::string_view s) {
  std::string out;
  append_imap_string(out, s);
  return out;
}

}  // namespace postamt::mime
