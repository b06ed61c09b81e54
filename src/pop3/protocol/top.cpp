// TOP extraction (RFC 1939 §7).
#include "pop3/protocol/top.hpp"

namespace postamt::pop3::protocol {

std::string_view top_extract(std::string_view message, std::uint64_t body_lines) {
  std::size_t pos = 0;
  // Header section: lines up to and including the first empty one ("\r\n" or "\n" alone).
  for (;;) {
    if (pos >= message.size()) return message;
    std::size_t nl = message.find('\n', pos);
    if (nl == std::string_view::npos) return message;
    std::string_view line = message.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty() || line == "\r") break;
  }
  for (std::uint64_t n = 0; n < body_lines && pos < message.size(); ++n) {
    std::size_t nl = message.find('\n', pos);
    if (nl == std::string_view::npos) return message;  // unterminated last line: all of it
    pos = nl + 1;
  }
  return message.substr(0, pos);
}

}  // namespace postamt::pop3::protocol
