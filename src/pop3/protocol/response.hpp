// POP3 response lines: "+OK [RESP-CODE] text" / "-ERR [RESP-CODE] text" (RFC 1939 §3, response codes
// RFC 2449 §8 and RFC 3206), the SASL continuation "+ " (RFC 5034 §4) and whole multi-line responses.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace postamt::pop3::protocol {

// Response codes: IN-USE and LOGIN-DELAY (RFC 2449 §8.1-8.2), SYS/TEMP, SYS/PERM, AUTH (RFC 3206).
namespace resp_code {
inline constexpr std::string_view kInUse = "IN-USE";
inline constexpr std::string_view kLoginDelay = "LOGIN-DELAY";
inline constexpr std::string_view kSysTemp = "SYS/TEMP";
inline constexpr std::string_view kSysPerm = "SYS/PERM";
inline constexpr std::string_view kAuth = "AUTH";
}  // namespace resp_code

// "+OK[ [code]][ text]\r\n". CR/LF/NUL in text become spaces; the line is cut to kMaxResponseLine.
// A code that is not RFC 2449 resp-code syntax is left out rather than sent malformed.
std::string ok(std::string_view text = {}, std::string_view code = {});
std::string err(std::string_view text, std::string_view code = {});
// SASL challenge line "+ <base64>\r\n"; "+ \r\n" for an empty challenge (RFC 5034 §4).
std::string continuation(std::string_view base64 = {});

// A whole multi-line response: "+OK text\r\n", each line dot-stuffed, ".\r\n" (RFC 1939 §3).
// For CAPA, LIST, UIDL; message bodies go through DotStuffer (multiline.hpp).
std::string multiline(std::string_view text, const std::vector<std::string>& lines);

}  // namespace postamt::pop3::protocol
