// Response building blocks: atom / quoted / literal choice for astring, string and nstring values,
// flag lists. RFC 9051 §4.1-4.5 and §9 (astring, nstring, quoted, literal, flag-list);
// RFC 6855 §3 (UTF-8 in quoted strings once UTF8=ACCEPT is enabled).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postamt::imap::protocol {

// Strings longer than this are sent as literals even when they could be quoted.
inline constexpr std::size_t kMaxQuoted = 1024;

// True when `s` can be sent as a quoted string: no NUL, CR or LF; 8-bit only as valid UTF-8
// and only when `utf8` (ENABLE UTF8=ACCEPT / IMAP4rev2).
bool is_quotable(std::string_view s, bool utf8 = false);
// True when `s` is a non-empty 1*ASTRING-CHAR atom other than NIL.
bool is_astring_atom(std::string_view s);

void append_quoted(std::string& out, std::string_view s);   // requires is_quotable
void append_literal(std::string& out, std::string_view s);  // "{n}\r\n" + s
void append_literal8(std::string& out, std::string_view s); // "~{n}\r\n" + s (RFC 3516 §7)
// string: quoted when possible, else literal.
void append_string(std::string& out, std::string_view s, bool utf8 = false);
// astring: bare atom when possible, else string.
void append_astring(std::string& out, std::string_view s, bool utf8 = false);
// nstring: NIL for nullopt, else string.
void append_nstring(std::string& out, std::optional<std::string_view> s, bool utf8 = false);

// Mailbox name (UTF-8) in a response: modified UTF-7 unless `utf8` is enabled, then astring
// (RFC 9051 §5.1, RFC 3501 §5.1.3, RFC 6855 §3). Invalid UTF-8 is sent as a literal, unchanged.
void append_mailbox(std::string& out, std::string_view utf8_name, bool utf8);

// "(\Seen \Deleted $Junk)"
std::string format_flag_list(const std::vector<std::string>& flags);

}  // namespace postamt::imap::protocol
