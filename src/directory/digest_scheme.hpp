// Dovecot's salted and unsalted digest password schemes ({SSHA512}, {SHA256.HEX}, ...): the stored
// value is encode(digest(password || salt) || salt), encode being base64 (default) or hex.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace postamt::directory {

// nullopt when `scheme` (upper-case, without braces) is not a digest scheme; otherwise whether
// `password` matches `encoded`.
std::optional<bool> verify_digest_scheme(std::string_view scheme, std::string_view password, std::string_view encoded);

// Strict decoders (RFC 4648 §4 base64 with optional padding, §8 base16); nullopt on bad input.
std::optional<std::string> decode_base64(std::string_view in);
std::optional<std::string> decode_hex(std::string_view in);

}  // namespace postamt::directory
