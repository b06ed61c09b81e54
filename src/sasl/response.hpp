// Decoding of client responses as the SASL protocol profiles carry them: base64 lines, "*" to
// cancel (RFC 4954 §4, RFC 9051 §6.2.2, RFC 5034 §4) and "=" for an empty initial response
// (RFC 4954 §4, RFC 4959 §3). Challenges are simply base64_encode(step.challenge).
#pragma once
#include <string>
#include <string_view>

namespace postamt::sasl {

struct ClientResponse {
  enum class Kind { Data, Abort, Invalid } kind = Kind::Invalid;
  std::string data;   // decoded bytes (Kind::Data)
  std::string error;  // why the line was refused (Kind::Invalid)
};

// A response line sent after a challenge (without CRLF): "*" aborts, an empty line is an empty
// response, anything else must be strict base64 of at most kMaxResponse decoded bytes.
ClientResponse decode_response(std::string_view line);

// The initial-response argument of AUTH/AUTHENTICATE: "=" is an empty response, "*" is not allowed
// (Invalid), anything else must be strict base64 of at most kMaxResponse decoded bytes.
ClientResponse decode_initial_response(std::string_view argument);

}  // namespace postamt::sasl
