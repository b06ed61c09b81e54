// TOP (RFC 1939 §7): the header section, the blank line after it, and the first N lines of the body.
#pragma once
#include <cstdint>
#include <string_view>

namespace postamt::pop3::protocol {

// A prefix of `message` (CRLF lines; a bare LF also ends a line): everything up to and including the
// first empty line, then at most `body_lines` further lines, each with its line end. A message without
// an empty line is all header and returned whole. Dot-stuff the result before sending it.
std::string_view top_extract(std::string_view message, std::uint64_t body_lines);

}  // namespace postamt::pop3::protocol
