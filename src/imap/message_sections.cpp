// Body section extraction over MIME byte offsets (RFC 9051 §6.4.5 section-spec, RFC 3516 §4 BINARY).
#include "imap/message_sections.hpp"

#include <algorithm>
#include <cctype>

#include "common/strings.hpp"

namespace postamt::imap {
namespace {

std::string_view slice(std::string_view raw, std::size_t begin, std::size_t end) {
  if (begin > raw.size()) begin = raw.size();
  if (end > raw.size()) end = raw.size();
  if (end < begin) end = begin;
  return raw.substr(begin, end - begin);
}

// RFC 9051 §6.4.5: parts are numbered in multiparts; a non-multipart message (or encapsulated
// message) has exactly one part, "1", its body; a message/rfc822 part's number descends into the
// encapsulated message.
const mime::Part* locate(const mime::Part& root, const std::vector<std::uint32_t>& path) {
  const mime::Part* p = &root;
  bool at_message = true;  // p is a message whose single body part "1" is itself
  for (std::uint32_t n : path) {
    if (n == 0) return nullptr;
    if (p->is_multipart()) {
      if (n > p->children.size()) return nullptr;
      p = &p->children[n - 1];
      at_message = false;
    } else if (p->is_message() && !at_message) {
      const mime::Part& m = p->children.front();
      if (m.is_multipart()) {
        if (n > m.children.size()) return nullptr;
        p = &m.children[n - 1];
      } else {
        if (n != 1) return nullptr;
        p = &m;
      }
      at_message = false;
    } else if (at_message && n == 1) {
      at_message = false;
    } else {
      return nullptr;
    }
  }
  return p;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string filter_header(std::string_view header, const std::vector<std::string>& names, bool exclude) {
  std::string out;
  bool keep = false;
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t eol = header.find('\n', pos);
    std::size_t next = eol == std::string_view::npos ? header.size() : eol + 1;
    std::string_view line = header.substr(pos, next - pos);
    pos = next;
    if (line == "\r\n" || line == "\n") break;  // the separator
    if (line[0] != ' ' && line[0] != '\t') {
      auto colon = line.find(':');
      std::string name = str::to_upper(str::trim(line.substr(0, colon == std::string_view::npos ? 0 : colon)));
      bool listed = std::find(names.begin(), names.end(), name) != names.end();
      keep = colon != std::string_view::npos && (listed != exclude);
    }
    if (keep) out.append(line);
  }
  out += "\r\n";
  return out;
}

std::optional<std::string> section_bytes(std::string_view raw, const mime::Message& msg,
                                         const protocol::Section& section) {
  using Text = protocol::Section::Text;
  const mime::Part* p = locate(msg.root, section.part);
  if (!p) return std::nullopt;
  // HEADER / TEXT / HEADER.FIELDS address the message itself or an encapsulated message.
  const mime::Part* message = nullptr;
  if (section.part.empty()) message = &msg.root;
  else if (p->is_message()) message = &p->children.front();
  switch (section.text) {
    case Text::None:
      if (section.part.empty()) return std::string(raw);
      return std::string(slice(raw, p->body_begin, p->body_end));
    case Text::Mime:
      if (section.part.empty()) return std::nullopt;
      return std::string(slice(raw, p->header_begin, p->header_end));
    case Text::Header:
      if (!message) return std::nullopt;
      return std::string(slice(raw, message->header_begin, message->header_end));
    case Text::HeaderFields:
    case Text::HeaderFieldsNot:
      if (!message) return std::nullopt;
      return filter_header(slice(raw, message->header_begin, message->header_end), section.fields,
                           section.text == Text::HeaderFieldsNot);
    case Text::Text:
      if (!message) return std::nullopt;
      return std::string(slice(raw, message->body_begin, message->body_end));
  }
  return std::nullopt;
}

std::string decode_base64_lenient(std::string_view in) {
  std::string out;
  out.reserve(in.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char ch : in) {
    int v;
    if (ch >= 'A' && ch <= 'Z') v = ch - 'A';
    else if (ch >= 'a' && ch <= 'z') v = ch - 'a' + 26;
    else if (ch >= '0' && ch <= '9') v = ch - '0' + 52;
    else if (ch == '+') v = 62;
    else if (ch == '/') v = 63;
    else if (ch == '=') break;
    else continue;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

std::string decode_quoted_printable(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c != '=') {
      out.push_back(c);
      continue;
    }
    // RFC 2045 §6.7 (5): "=" at the end of a line is a soft line break (trailing blanks allowed).
    std::size_t j = i + 1;
    while (j < in.size() && (in[j] == ' ' || in[j] == '\t')) ++j;
    if (j < in.size() && (in[j] == '\r' || in[j] == '\n')) {
      if (in[j] == '\r' && j + 1 < in.size() && in[j + 1] == '\n') ++j;
      i = j;
      continue;
    }
    if (j >= in.size()) break;
    if (i + 2 < in.size() && hex_value(in[i + 1]) >= 0 && hex_value(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2])));
      i += 2;
    } else {
      out.push_back('=');  // RFC 2045 §6.7 note: keep an illegal "=" as it is
    }
  }
  return out;
}

Decoded binary_section(std::string_view raw, const mime::Message& msg, const std::vector<std::uint32_t>& part) {
  const mime::Part* p = locate(msg.root, part);
  if (!p) return {DecodeStatus::NoPart, {}};
  if (part.empty()) return {DecodeStatus::Ok, std::string(raw)};
  std::string_view body = slice(raw, p->body_begin, p->body_end);
  if (p->is_multipart() || p->is_message()) return {DecodeStatus::Ok, std::string(body)};
  const std::string& enc = p->encoding;
  if (enc == "7bit" || enc == "8bit" || enc == "binary" || enc.empty()) return {DecodeStatus::Ok, std::string(body)};
  if (enc == "base64") return {DecodeStatus::Ok, decode_base64_lenient(body)};
  if (enc == "quoted-printable") return {DecodeStatus::Ok, decode_quoted_printable(body)};
  return {DecodeStatus::UnknownEncoding, {}};
}

}  // namespace postamt::imap
