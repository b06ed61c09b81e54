// POP3 response formatting (RFC 1939 §3; RFC 2449 §4 line length, §8 resp-code; RFC 5034 §4).
#include "pop3/protocol/response.hpp"

#include "pop3/protocol/limits.hpp"
#include "pop3/protocol/multiline.hpp"

namespace postamt::pop3::protocol {
namespace {

// RFC 2449 §8: resp-code = "[" resp-level *("/" resp-level) "]"; resp-level = 1*rchar;
// rchar = %x21-2E / %x30-5C / %x5E-7F.
bool valid_code(std::string_view code) {
  if (code.empty()) return false;
  bool level_empty = true;
  for (unsigned char c : code) {
    if (c == '/') {
      if (level_empty) return false;
      level_empty = true;
      continue;
    }
    if (c < 0x21 || c > 0x7e || c == ']') return false;
    level_empty = false;
  }
  return !level_empty;
}

std::string status_line(std::string_view status, std::string_view text, std::string_view code) {
  std::string line(status);
  if (valid_code(code)) {
    line.append(" [");
    line.append(code);
    line.push_back(']');
  }
  if (!text.empty()) {
    line.push_back(' ');
    for (char c : text) line.push_back((c == '\r' || c == '\n' || c == '\0') ? ' ' : c);
  }
  if (line.size() > kMaxResponseLine - 2) line.resize(kMaxResponseLine - 2);
  line.append("\r\n");
  return line;
}

}  // namespace

std::string ok(std::string_view text, std::string_view code) { return status_line("+OK", text, code); }
std::string err(std::string_view text, std::string_view code) { return status_line("-ERR", text, code); }

std::string continuation(std::string_view base64) {
  std::string line = "+ ";
  line.append(base64);
  line.append("\r\n");
  return line;
}

std::string multiline(std::string_view text, const std::vector<std::string>& lines) {
  std::string out = ok(text);
  DotStuffer stuffer;
  for (const auto& l : lines) {
    std::string clean = l;
    for (auto& c : clean)
      if (c == '\r' || c == '\n' || c == '\0') c = ' ';
    clean.append("\r\n");
    stuffer.feed(clean, out);
  }
  stuffer.finish(out);
  return out;
}

}  // namespace postamt::pop3::protocol
