// xtext (RFC 3461 §4): the encoding of ENVID, ORCPT and AUTH= values inside ESMTP parameters.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace postamt::smtp::protocol {

// Encodes every octet outside "!".."~" and the octets "+" and "=" as "+XX" (upper-case hex).
std::string xtext_encode(std::string_view raw);
// Decodes xtext; nullopt when the text holds an octet outside xchar or a "+" not followed by two
// upper-case hex digits (RFC 3461 §4: hexchar = "+" 2(%x30-39 / %x41-46)).
std::optional<std::string> xtext_decode(std::string_view xtext);

}  // namespace postamt::smtp::protocol
