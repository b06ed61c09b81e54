// Strict base64 (RFC 4648 §4, standard alphabet, padded) for SASL exchanges (RFC 4422 §3 profiles
// carry challenges and responses base64-encoded) and SCRAM attributes (RFC 5802 §7 "base64").
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace postamt::sasl {

std::string base64_encode(std::string_view bytes);

// Decodes canonical base64 only: length a multiple of 4, alphabet A-Z a-z 0-9 + /, '=' padding only
// at the end (at most two), no whitespace, and zero unused bits in the last group (RFC 4648 §3.5).
// Returns nullopt for anything else. The empty string decodes to the empty string.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace postamt::sasl
