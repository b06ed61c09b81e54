// SMTP reply writer (see reply.hpp). RFC 5321 §4.2 (multi-line replies), §4.5.3.1.5 (512-octet lines).
#include "smtp/protocol/reply.hpp"

#include "smtp/protocol/limits.hpp"

namespace postamt::smtp::protocol {
namespace {

void append_line(std::string& out, int code, std::string_view enhanced, std::string_view text, bool last) {
  std::string line = std::to_string(code);
  line.push_back(last ? ' ' : '-');
  if (!enhanced.empty()) {
    line.append(enhanced);
    if (!text.empty()) line.push_back(' ');
  }
  for (char c : text) line.push_back((c == '\r' || c == '\n' || c == '\0') ? ' ' : c);
  if (line.size() > kMaxReplyLine - 2) line.resize(kMaxReplyLine - 2);
  out.append(line);
  out.append("\r\n");
}

}  // namespace

std::string format_reply(int code, std::string_view enhanced, const std::vector<std::string>& lines) {
  std::string out;
  if (code < 200 || code > 599) code = 451;  // a malformed code must not confuse the client's parser
  if (lines.empty()) {
    append_line(out, code, enhanced, {}, true);
    return out;
  }
  for (std::size_t i = 0; i < lines.size(); ++i) append_line(out, code, enhanced, lines[i], i + 1 == lines.size());
  return out;
}

std::string format_reply(const Reply& reply) {
  std::vector<std::string> lines;
  std::string_view text = reply.text;
  for (;;) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.emplace_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  // A trailing '\n' does not make an empty last line.
  if (lines.size() > 1 && lines.back().empty()) lines.pop_back();
  return format_reply(reply.code, reply.enhanced, lines);
}

}  // namespace postamt::smtp::protocol
