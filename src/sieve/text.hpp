// String helpers of the Sieve core: RFC 5228 §2.4.2.4 encoded-character, UTF-8 stepping, address
// syntax checks (§4.2), flag lists (RFC 5232 §3), base64/quoted-printable decoding for body tests.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postamt::sieve::detail {

// Replaces ${hex:...} and ${unicode:...}; malformed sequences stay as written. Returns nullopt and
// sets *error when a unicode value is outside 0..D7FF / E000..10FFFF (an error per §2.4.2.4).
std::optional<std::string> decode_encoded_characters(std::string_view s, std::string* error);

std::size_t utf8_length(std::string_view s, std::size_t pos);  // byte length of the char at pos (>=1)
std::size_t utf8_count(std::string_view s);                   // characters (RFC 5229 :length)
std::string utf8_truncate(std::string s, std::size_t max_bytes);

// A plausible RFC 5321 mailbox "local@domain" (no spaces/brackets, one '@', non-empty parts);
// display forms "Name <a@b>" are accepted and reduced to the bare address.
std::optional<std::string> clean_address(std::string_view s);

// Split on whitespace, drop duplicates (case-insensitive, first spelling wins).
std::vector<std::string> split_flags(const std::vector<std::string>& items);
std::string join(const std::vector<std::string>& v, std::string_view sep);

std::string decode_base64(std::string_view s);
std::string decode_quoted_printable(std::string_view s);
std::string encode_base64(std::string_view s);

// Stable FNV-1a 64-bit hash as 16 hex digits (vacation handles, RFC 5230 §4.2).
std::string stable_hash(std::string_view s);

bool is_identifier(std::string_view s);  // RFC 5228 §8.1 identifier
bool is_field_name(std::string_view s);  // RFC 5322 §3.6.8 ftext

}  // namespace postamt::sieve::detail
