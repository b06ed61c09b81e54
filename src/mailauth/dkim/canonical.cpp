// Canonicalization algorithms of RFC 6376 §3.4.
#include "mailauth/dkim/canonical.hpp"

#include "common/strings.hpp"

namespace postamt::mailauth::dkim {
namespace {
bool is_wsp(char c) { return c == ' ' || c == '\t'; }
}  // namespace

std::string canonical_header(std::string_view raw, Canon c) {
  if (c == Canon::Simple) return std::string(raw) + "\r\n";  // §3.4.1: no change at all
  // §3.4.2: lower-case name, unfold, WSP runs to one SP, no WSP at the end or around the colon.
  auto colon = raw.find(':');
  std::string_view name = raw.substr(0, colon), value = colon == std::string_view::npos ? "" : raw.substr(colon + 1);
  while (!name.empty() && is_wsp(name.back())) name.remove_suffix(1);
  std::string out = str::to_lower(name);
  out += ':';
  bool pending_space = false, started = false;
  for (char ch : value) {
    if (ch == '\r' || ch == '\n') continue;
    if (is_wsp(ch)) {
      pending_space = started;
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    started = true;
    out += ch;
  }
  out += "\r\n";
  return out;
}

std::string canonical_body(std::string_view body, Canon c) {
  std::string out;
  out.reserve(body.size());
  std::size_t pending_empty = 0;  // empty lines held back: dropped if they end the body (§3.4.3, §3.4.4)
  std::size_t pos = 0;
  while (pos < body.size()) {
    std::size_t eol = body.find("\r\n", pos);
    std::string_view line = body.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? body.size() : eol + 2;
    std::string canon;
    if (c == Canon::Relaxed) {
      bool space = false;
      for (char ch : line) {
        if (is_wsp(ch)) {
          space = true;
          continue;
        }
        if (space) canon += ' ';
        space = false;
        canon += ch;
      }  // trailing WSP dropped (space left pending)
    } else {
      canon.assign(line);
    }
    if (canon.empty()) {
      ++pending_empty;
      continue;
    }
    for (; pending_empty; --pending_empty) out += "\r\n";
    out += canon;
    out += "\r\n";  // a final line without CRLF gets one (§3.4.3, §3.4.4)
  }
  if (out.empty() && c == Canon::Simple) out = "\r\n";  // §3.4.3: empty body is one CRLF
  return out;
}

bool parse_canon(std::string_view text, Canon& header, Canon& body) {
  auto one = [](std::string_view t, Canon& out) {
    if (t == "simple") out = Canon::Simple;
    else if (t == "relaxed") out = Canon::Relaxed;
    else return false;
    return true;
  };
  auto slash = text.find('/');
  body = Canon::Simple;
  if (slash == std::string_view::npos) return one(text, header);
  return one(text.substr(0, slash), header) && one(text.substr(slash + 1), body);
}

}  // namespace postamt::mailauth::dkim
