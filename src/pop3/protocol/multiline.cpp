// Byte-stuffing for POP3 multi-line responses (RFC 1939 §3).
#include "pop3/protocol/multiline.hpp"

namespace postamt::pop3::protocol {

void DotStuffer::feed(std::string_view chunk, std::string& out) {
  out.reserve(out.size() + chunk.size() + chunk.size() / 64);
  for (char c : chunk) {
    if (pending_cr_) {
      pending_cr_ = false;
      out.append("\r\n");
      line_start_ = true;
      if (c == '\n') continue;  // CRLF
      // bare CR: already ended the line, fall through with c as the first byte of the next
    }
    if (c == '\r') {
      pending_cr_ = true;
      continue;
    }
    if (c == '\n') {  // bare LF
      out.append("\r\n");
      line_start_ = true;
      continue;
    }
    if (line_start_ && c == '.') out.push_back('.');  // RFC 1939 §3: pre-pend the termination octet
    out.push_back(c);
    line_start_ = false;
  }
}

void DotStuffer::finish(std::string& out) {
  if (pending_cr_) {
    out.append("\r\n");
    pending_cr_ = false;
    line_start_ = true;
  }
  if (!line_start_) out.append("\r\n");
  out.append(kTerminator);
  line_start_ = true;
}

std::string dot_stuff(std::string_view message_crlf) {
  std::string out;
  DotStuffer s;
  s.feed(message_crlf, out);
  s.finish(out);
  out.resize(out.size() - kTerminator.size());
  return out;
}

}  // namespace postamt::pop3::protocol
