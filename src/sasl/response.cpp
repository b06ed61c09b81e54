// Client response decoding for SASL protocol profiles (RFC 4422 §4, RFC 4954 §4, RFC 4959 §3).
#include "sasl/response.hpp"

#include "sasl/base64.hpp"
#include "sasl/mechanism.hpp"

namespace postamt::sasl {
namespace {

constexpr std::size_t kMaxEncoded = (kMaxResponse + 2) / 3 * 4;

ClientResponse invalid(std::string why) { return {ClientResponse::Kind::Invalid, {}, std::move(why)}; }

ClientResponse decode_data(std::string_view text) {
  if (text.size() > kMaxEncoded) return invalid("response too long");
  auto decoded = base64_decode(text);
  if (!decoded) return invalid("response is not valid base64");
  return {ClientResponse::Kind::Data, std::move(*decoded), {}};
}

}  // namespace

ClientResponse decode_response(std::string_view line) {
  if (line == "*") return {ClientResponse::Kind::Abort, {}, {}};
  return decode_data(line);
}

ClientResponse decode_initial_response(std::string_view argument) {
  if (argument == "=") return {ClientResponse::Kind::Data, {}, {}};
  if (argument.empty()) return invalid("empty initial response argument");
  return decode_data(argument);
}

}  // namespace postamt::sasl
