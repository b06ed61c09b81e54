// SMTP replies: a code, an optional enhanced status code (RFC 3463) and text, written as one or more
// lines "250-first\r\n250 last\r\n" (RFC 5321 §4.2, §4.2.1; RFC 2034 §3 puts the enhanced code on each line).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace postamt::smtp::protocol {

struct Reply {
  int code = 250;
  std::string enhanced;  // "5.1.1", or empty when the reply carries none (e.g. the 220 greeting, 354)
  std::string text;      // lines separated by '\n'; may be empty

  bool positive() const { return code >= 200 && code < 400; }
  bool transient() const { return code >= 400 && code < 500; }
  bool permanent() const { return code >= 500; }
};

// The reply on the wire. Each text line becomes one reply line; CR, LF and NUL inside text never reach
// the wire as line breaks, and every line is cut to kMaxReplyLine octets including CRLF.
std::string format_reply(const Reply& reply);
// Same, with the lines given separately (EHLO keyword lists).
std::string format_reply(int code, std::string_view enhanced, const std::vector<std::string>& lines);

}  // namespace postamt::smtp::protocol
