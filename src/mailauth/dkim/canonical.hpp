// DKIM canonicalization (RFC 6376 §3.4): "simple" and "relaxed" for header fields and bodies.
#pragma once
#include <string>
#include <string_view>

namespace postamt::mailauth::dkim {

enum class Canon { Simple, Relaxed };

// `raw` is a whole header field ("Name: value" with folding, no final CRLF). Returns it canonicalized
// with a final CRLF (§3.4.1, §3.4.2).
std::string canonical_header(std::string_view raw, Canon c);
// The body (CRLF line ends) canonicalized (§3.4.3, §3.4.4).
std::string canonical_body(std::string_view body, Canon c);

// "relaxed/simple" etc. (§3.5 c=; a lone "relaxed" means relaxed/simple). False when unknown.
bool parse_canon(std::string_view text, Canon& header, Canon& body);

}  // namespace postamt::mailauth::dkim
