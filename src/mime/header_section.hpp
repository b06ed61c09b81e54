// Scanning of one RFC 5322 §2.2 header section inside a byte range: field offsets, folding
// (§2.2.3), the blank-line separator, tolerant of bare LF line ends and broken lines.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace postamt::mime::detail {

struct FieldRange {
  std::size_t name_begin = 0, name_end = 0;    // field name (trailing WSP before ':' excluded)
  std::size_t value_begin = 0, value_end = 0;  // raw value after ':' up to (excluding) the final line end
};

struct HeaderScan {
  std::size_t header_end = 0;  // after the blank line (or where the body starts)
  std::size_t body_begin = 0;
  std::vector<FieldRange> fields;
  bool bad_line = false;      // continuation line with no field before it
  bool eight_bit = false;     // bytes >= 0x80 in the section
  bool no_separator = false;  // a non-header line ended the section
  bool too_big = false;       // section longer than max_bytes (scan stopped)
};

// Scans [begin, end) of raw. A leading mbox "From " line is skipped as a bad line.
HeaderScan scan_header(std::string_view raw, std::size_t begin, std::size_t end, std::size_t max_bytes);

// Unfolds a raw field value (RFC 5322 §2.2.3: line ends removed, WSP kept) and trims WSP at both ends.
std::string unfold(std::string_view value);

}  // namespace postamt::mime::detail
