// ManageSieve response formatting (RFC 5804 §1.2, §4 response-ok / response-nobye, quoted, literal-s2c).
#include "managesieve/response.hpp"

namespace postamt::managesieve {
namespace {

std::string status(std::string_view word, std::string_view text, std::string_view code) {
  std::string out(word);
  if (!code.empty()) {
    out += " (";
    out += code;
    out += ')';
  }
  if (!text.empty()) {
    out += ' ';
    out += string_token(text);
  }
  out += "\r\n";
  return out;
}

}  // namespace

std::string string_token(std::string_view s) {
  bool quotable = s.size() <= 1024;
  for (char c : s)
    if (c == '\r' || c == '\n' || c == '\0') quotable = false;
  if (!quotable) return "{" + std::to_string(s.size()) + "}\r\n" + std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';  // RFC 5804 §4 QUOTED-SPECIALS
    out += c;
  }
  out += '"';
  return out;
}

std::string ok(std::string_view text, std::string_view code) { return status("OK", text, code); }
std::string no(std::string_view text, std::string_view code) { return status("NO", text, code); }
std::string bye(std::string_view text, std::string_view code) { return status("BYE", text, code); }

}  // namespace postamt::managesieve
