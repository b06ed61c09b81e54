// Header section scanning (RFC 5322 §2.2, §2.2.3 folding, §3.6.8 field names; obs-syntax §4.5
// allows WSP before the colon).
#include "mime/header_section.hpp"

namespace postamt::mime::detail {
namespace {

bool is_wsp(char c) { return c == ' ' || c == '\t'; }

// RFC 5322 §3.6.8: field-name = 1*ftext, ftext = %d33-57 / %d59-126
bool valid_name(std::string_view n) {
  if (n.empty()) return false;
  for (unsigned char c : n)
    if (c < 33 || c > 126 || c == ':') return false;
  return true;
}

}  // namespace

HeaderScan scan_header(std::string_view raw, std::size_t begin, std::size_t end, std::size_t max_bytes) {
  HeaderScan s;
  std::size_t pos = begin;
  bool have_field = false;
  for (;;) {
    if (pos >= end) {  // header section ends with the data: no body
      s.header_end = s.body_begin = end;
      break;
    }
    std::size_t eol = raw.find('\n', pos);
    std::size_t next;
    if (eol == std::string_view::npos || eol >= end) {
      eol = end;
      next = end;
    } else {
      next = eol + 1;
    }
    if (next - begin > max_bytes) {
      s.too_big = true;
      s.header_end = s.body_begin = pos;
      return s;
    }
    std::size_t line_end = eol;
    if (line_end > pos && raw[line_end - 1] == '\r') --line_end;
    std::string_view line = raw.substr(pos, line_end - pos);
    for (unsigned char c : line)
      if (c >= 0x80) {
        s.eight_bit = true;
        break;
      }
    if (line.empty()) {  // the blank line separating header and body
      s.header_end = s.body_begin = next;
      break;
    }
    if (is_wsp(line[0])) {  // folded continuation (§2.2.3)
      if (have_field) {
        s.fields.back().value_end = line_end;
      } else {
        s.bad_line = true;
      }
      pos = next;
      continue;
    }
    std::size_t colon = line.find(':');
    std::string_view name = colon == std::string_view::npos ? std::string_view{} : line.substr(0, colon);
    while (!name.empty() && is_wsp(name.back())) name.remove_suffix(1);
    if (!valid_name(name)) {
      if (pos == begin && line.starts_with("From ")) {  // mbox separator line
        s.bad_line = true;
        pos = next;
        continue;
      }
      s.no_separator = true;  // body starts here although no blank line came
      s.header_end = s.body_begin = pos;
      break;
    }
    FieldRange f;
    f.name_begin = pos;
    f.name_end = pos + name.size();
    f.value_begin = pos + colon + 1;
    f.value_end = line_end;
    s.fields.push_back(f);
    have_field = true;
    pos = next;
  }
  return s;
}

std::string unfold(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value)
    if (c != '\r' && c != '\n') out.push_back(c);
  std::size_t b = 0, e = out.size();
  while (b < e && is_wsp(out[b])) ++b;
  while (e > b && is_wsp(out[e - 1])) --e;
  return out.substr(b, e - b);
}

}  // namespace postamt::mime::detail
