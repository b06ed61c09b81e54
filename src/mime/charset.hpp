// Conversion of text in a MIME charset (RFC 2045 §5.1 / RFC 2046 §4.1.2 names) to UTF-8, used by
// RFC 2047 encoded-words and RFC 2231 parameter values.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace postamt::mime {

// Converts `bytes` from `charset` to UTF-8. utf-8, us-ascii, iso-8859-1, iso-8859-15 and
// windows-1252 are built in; other names go through iconv. Invalid sequences become U+FFFD.
// nullopt when the charset is unknown.
std::optional<std::string> to_utf8(std::string_view bytes, std::string_view charset);

// Returns `bytes` if it is valid UTF-8, else its windows-1252 reading (raw 8-bit header text).
std::string sanitize_utf8(std::string_view bytes);

bool is_valid_utf8(std::string_view bytes);

}  // namespace postamt::mime
