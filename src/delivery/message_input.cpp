// Message input normalisation and refusal rules (see message_input.hpp).
#include "delivery/message_input.hpp"

#include "common/strings.hpp"

namespace postamt::delivery {

std::string normalize_crlf(std::string_view m) {
  std::string out;
  out.reserve(m.size() + m.size() / 40 + 2);
  for (size_t i = 0; i < m.size(); ++i) {
    char c = m[i];
    if (c == '\r') {
      out.append("\r\n");
      if (i + 1 < m.size() && m[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out.append("\r\n");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::string> refuse_reason(std::string_view m) {
  if (m.empty()) return "empty message";
  size_t header_end = m.find("\r\n\r\n");
  std::string_view header = header_end == std::string_view::npos ? m : m.substr(0, header_end);
  if (header.find('\0') != std::string_view::npos) return "NUL byte in the message header";
  // RFC 5322 §3.6 / §2.2: the first line must be a header field "name:" (ftext = printable ASCII but ':').
  size_t colon = header.find(':');
  size_t eol = header.find("\r\n");
  if (colon == std::string_view::npos || (eol != std::string_view::npos && colon > eol) || colon == 0)
    return "not an RFC 5322 message: the first line is not a header field";
  for (size_t i = 0; i < colon; ++i) {
    unsigned char c = static_cast<unsigned char>(header[i]);
    if (c < 33 || c > 126) return "not an RFC 5322 message: the first line is not a header field";
  }
  return std::nullopt;
}

std::string return_path_field(std::string_view sender) {
  return "Return-Path: <" + std::string(sender) + ">\r\n";
}

std::string_view strip_mbox_from_line(std::string_view m) {
  if (m.substr(0, 5) != "From ") return m;
  size_t eol = m.find('\n');
  return eol == std::string_view::npos ? std::string_view{} : m.substr(eol + 1);
}

std::optional<std::string> leading_return_path(std::string_view m) {
  m = strip_mbox_from_line(m);
  if (!str::istarts_with(m, "Return-Path:")) return std::nullopt;
  m.remove_prefix(12);
  size_t eol = m.find('\n');
  std::string_view value = m.substr(0, eol);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.size() >= 2 && value.front() == '<' && value.back() == '>') value = value.substr(1, value.size() - 2);
  if (value.size() > 256 || value.find_first_of("<> \t") != std::string_view::npos) return std::nullopt;
  return std::string(value);
}

std::string_view strip_leading_return_path(std::string_view m) {
  while (str::istarts_with(m, "Return-Path:")) {
    size_t pos = 0;
    // Skip the field including folded continuation lines.
    for (;;) {
      size_t eol = m.find("\r\n", pos);
      if (eol == std::string_view::npos) return {};
      pos = eol + 2;
      if (pos >= m.size() || (m[pos] != ' ' && m[pos] != '\t')) break;
    }
    m.remove_prefix(pos);
  }
  return m;
}

}  // namespace postamt::delivery
