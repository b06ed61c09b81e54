// Named limits that bound every IMAP parser in this folder (line length, literal sizes, nesting).
// RFC 9051 §4.3 (literals), RFC 7888 §4-5 (LITERAL+/LITERAL-), RFC 2683 §3.2.1.5 (line lengths).
#pragma once
#include <cstddef>
#include <cstdint>

namespace postamt::imap::protocol {

struct Limits {
  // Command text excluding literal data, summed over all lines of one command.
  std::size_t max_line = 64 * 1024;
  // Largest literal ({n}, {n+}, ~{n}) accepted in a command.
  std::uint64_t max_literal = 64ull * 1024 * 1024;
  // Largest non-synchronising literal; set to 4096 when advertising LITERAL- (RFC 7888 §5).
  std::uint64_t max_nonsync_literal = 64ull * 1024 * 1024;
  // All bytes of one command (text + literals), e.g. a MULTIAPPEND.
  std::uint64_t max_command = 128ull * 1024 * 1024;
  // A too-big non-synchronising literal up to this size is read and thrown away so the session can
  // answer BAD and go on; a bigger one ends the connection (RFC 7888 §4, options 1 and 2).
  std::uint64_t max_skip_literal = 8ull * 1024 * 1024;
  // Parentheses / NOT / OR depth in SEARCH.
  std::size_t max_nesting = 100;
  // Items in one list: FETCH attributes, LIST patterns, header field names, flags, APPEND messages.
  std::size_t max_list_items = 1000;
};

}  // namespace postamt::imap::protocol
