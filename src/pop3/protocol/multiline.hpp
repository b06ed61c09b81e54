// Multi-line POP3 payloads (RFC 1939 §3): byte-stuffing of lines that start with "." and the ".\r\n"
// terminator, incrementally (DotStuffer, for streaming a message in chunks) or at once (dot_stuff).
#pragma once
#include <string>
#include <string_view>

namespace postamt::pop3::protocol {

inline constexpr std::string_view kTerminator = ".\r\n";

// Line ends are normalised to CRLF: a bare LF or bare CR in a stored message becomes CRLF, so that no
// client (whatever it takes as a line end) can see a "." line before the real terminator.
class DotStuffer {
 public:
  // Appends the stuffed form of `chunk` to `out`.
  void feed(std::string_view chunk, std::string& out);
  // Ends an unterminated last line with CRLF and appends the terminator ".\r\n".
  void finish(std::string& out);

 private:
  bool line_start_ = true;
  bool pending_cr_ = false;
};

// The stuffed message ending in CRLF, without the terminator.
std::string dot_stuff(std::string_view message_crlf);

}  // namespace postamt::pop3::protocol
