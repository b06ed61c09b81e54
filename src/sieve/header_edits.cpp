// apply_header_edits(): rebuilds the message with the header section edited by RFC 5293
// addheader/deleteheader in place of the original one (the body bytes are untouched).
#include "sieve/sieve.hpp"

namespace postamt::sieve {

std::string apply_header_edits(std::string_view raw, const mime::Message& parsed, const Result& result) {
  if (!result.headers_edited) return std::string(raw);
  std::string out;
  for (const auto& [name, value] : result.header_fields) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "\r\n";
  std::size_t body = parsed.root.body_begin <= raw.size() ? parsed.root.body_begin : raw.size();
  out.append(raw.substr(body));
  return out;
}

}  // namespace postamt::sieve
