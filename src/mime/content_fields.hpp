// Parsing of the MIME structured fields: Content-Type (RFC 2045 §5.1), Content-Disposition
// (RFC 2183 §2), their parameters with RFC 2231 continuations/charsets, Content-Transfer-Encoding
// (RFC 2045 §6.1) and Content-Language (RFC 3282).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "mime/message.hpp"

namespace postamt::mime::detail {

// Content-Type value -> lower-cased type/subtype and parameters. False (outputs untouched) when
// there is no valid "type/subtype" (RFC 2045 §5.2: the default then applies).
bool parse_content_type(std::string_view value, std::string& type, std::string& subtype, std::vector<Param>& params);

// Content-Disposition value -> lower-cased disposition type and parameters.
void parse_disposition(std::string_view value, std::string& disposition, std::vector<Param>& params);

// Parameters after the first ';' of `s`, RFC 2231 decoded. Names are lower-cased, first wins.
std::vector<Param> parse_params(std::string_view s);

// First token, lower-cased, comments removed ("7bit", "base64").
std::string parse_token_value(std::string_view value);

// Comma separated list of tokens with comments removed.
std::vector<std::string> parse_token_list(std::string_view value);

// Removes RFC 5322 §3.2.2 comments outside quoted strings (bounded nesting).
std::string strip_comments(std::string_view s);

}  // namespace postamt::mime::detail
