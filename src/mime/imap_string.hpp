// IMAP string and nstring encoding for cached FETCH data (RFC 3501 §4.3, §9 "string", "nstring").
#pragma once
#include <string>
#include <string_view>

namespace postamt::mime {

// Appends `s` as an IMAP quoted string, or as a literal "{n}\r\n..." when it holds CR, LF or
// 8-bit bytes (RFC 3501 §4.3: quoted strings are 7-bit without CR/LF). NUL bytes are dropped
// (CHAR8 excludes NUL).
void append_imap_string(std::string& out, std::string_view s);

// Same, or NIL when `s` is empty.
void append_imap_nstring(std::string& out, std::string_view s);

std::string imap_string(std::string_view s);

}  // namespace postamt::mime
