// Response value writers (see writer.hpp). RFC 9051 §4.3, §9; RFC 6855 §3.
#include "imap/protocol/writer.hpp"

#include "common/strings.hpp"
#include "imap/protocol/chars.hpp"
#include "imap/protocol/mutf7.hpp"

namespace postamt::imap::protocol {

bool is_quotable(std::string_view s, bool utf8) {
  if (s.size() > kMaxQuoted) return false;
  bool eight_bit = false;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == 0 || c == '\r' || c == '\n') return false;
    if (c >= 0x80) eight_bit = true;
  }
  return !eight_bit || (utf8 && is_valid_utf8(s));
}

bool is_astring_atom(std::string_view s) {
  if (s.empty() || str::iequals(s, "NIL")) return false;
  for (char c : s)
    if (!is_astring_char(c)) return false;
  return true;
}

void append_quoted(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_literal(std::string& out, std::string_view s) {
  out.push_back('{');
  out += std::to_string(s.size());
  out += "}\r\n";
  out.append(s);
}

void append_literal8(std::string& out, std::string_view s) {
  out.push_back('~');
  append_literal(out, s);
}

void append_string(std::string& out, std::string_view s, bool utf8) {
  if (is_quotable(s, utf8))
    append_quoted(out, s);
  else
    append_literal(out, s);
}

void append_astring(std::string& out, std::string_view s, bool utf8) {
  if (is_astring_atom(s))
    out.append(s);
  else
    append_string(out, s, utf8);
}

void append_nstring(std::string& out, std::optional<std::string_view> s, bool utf8) {
  if (!s)
    out += "NIL";
  else
    append_string(out, *s, utf8);
}

void append_mailbox(std::string& out, std::string_view utf8_name, bool utf8) {
  if (utf8) {
    append_astring(out, utf8_name, true);
    return;
  }
  if (auto encoded = mutf7_encode(utf8_name))
    append_astring(out, *encoded, false);
  else
    append_literal(out, utf8_name);
}

std::string format_flag_list(const std::vector<std::string>& flags) {
  std::string out = "(";
  for (std::size_t i = 0; i < flags.size(); ++i) {
    if (i) out.push_back(' ');
    out += flags[i];
  }
  out.push_back(')');
  return out;
}

}  // namespace postamt::imap::protocol
