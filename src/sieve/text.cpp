// Sieve string helpers (RFC 5228 §2.4.2.4 encoded-character, RFC 5232 §3 flag lists, RFC 2045 §6.7/§6.8
// content transfer decodings used by the body test).
#include "sieve/text.hpp"

#include <cstdint>

#include "common/strings.hpp"

namespace postamt::sieve::detail {
namespace {

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Parses the body of ${hex: …} / ${unicode: …} between `p` and the closing brace; appends the
// decoded bytes. false = malformed (leave the text as is).
bool decode_seq(std::string_view body, bool unicode, std::string& out, std::string* error, bool& bad_range) {
  std::size_t p = 0;
  bool any = false;
  while (true) {
    while (p < body.size() && is_blank(body[p])) ++p;
    if (p >= body.size()) break;
    std::uint32_t v = 0;
    std::size_t digits = 0;
    while (p < body.size() && hexval(body[p]) >= 0) {
      if (digits >= 8) return false;
      v = v * 16 + static_cast<std::uint32_t>(hexval(body[p]));
      ++p;
      ++digits;
    }
    if (digits == 0) return false;
    if (p < body.size() && !is_blank(body[p])) return false;
    any = true;
    if (unicode) {
      if ((v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF) {
        if (error) *error = "invalid unicode code point in encoded-character";
        bad_range = true;
        return false;
      }
      append_utf8(out, v);
    } else {
      if (v > 0xFF) return false;
      out += static_cast<char>(v);
    }
  }
  return any;
}

}  // namespace

std::optional<std::string> decode_encoded_characters(std::string_view s, std::string* error) {
  std::string out;
  std::size_t p = 0;
  while (p < s.size()) {
    if (s[p] == '$' && p + 1 < s.size() && s[p + 1] == '{') {
      std::size_t colon = s.find(':', p + 2);
      std::size_t close = s.find('}', p + 2);
      if (colon != std::string_view::npos && close != std::string_view::npos && colon < close) {
        std::string kind = str::to_lower(s.substr(p + 2, colon - p - 2));
        if (kind == "hex" || kind == "unicode") {
          std::string decoded;
          bool bad_range = false;
          if (decode_seq(s.substr(colon + 1, close - colon - 1), kind == "unicode", decoded, error, bad_range)) {
            out += decoded;
            p = close + 1;
            continue;
          }
          if (bad_range) return std::nullopt;
        }
      }
    }
    out += s[p++];
  }
  return out;
}

std::size_t utf8_length(std::string_view s, std::size_t pos) {
  auto c = static_cast<unsigned char>(s[pos]);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (pos + n > s.size()) return 1;
  for (std::size_t i = 1; i < n; ++i)
    if ((static_cast<unsigned char>(s[pos + i]) & 0xC0) != 0x80) return 1;
  return n;
}

std::size_t utf8_count(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t p = 0; p < s.size(); p += utf8_length(s, p)) ++n;
  return n;
}

std::string utf8_truncate(std::string s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t p = 0;
  while (p < s.size()) {
    std::size_t n = utf8_length(s, p);
    if (p + n > max_bytes) break;
    p += n;
  }
  s.resize(p);
  return s;
}

std::optional<std::string> clean_address(std::string_view s) {
  s = str::trim(s);
  auto lt = s.rfind('<');
  if (lt != std::string_view::npos && !s.empty() && s.back() == '>') s = s.substr(lt + 1, s.size() - lt - 2);
  auto at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= s.size()) return std::nullopt;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '<' || c == '>' || c == ',' || c == ';') return std::nullopt;
  }
  std::string_view domain = s.substr(at + 1);
  if (domain.find('@') != std::string_view::npos || domain.front() == '.' || domain.back() == '.') return std::nullopt;
  return std::string(s);
}

std::vector<std::string> split_flags(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    std::size_t p = 0;
    while (p < item.size()) {
      while (p < item.size() && is_blank(item[p])) ++p;
      std::size_t b = p;
      while (p < item.size() && !is_blank(item[p])) ++p;
      if (p > b) {
        std::string f = item.substr(b, p - b);
        bool dup = false;
        for (const auto& o : out) dup = dup || str::iequals(o, f);
        if (!dup) out.push_back(std::move(f));
      }
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

std::string decode_base64(std::string_view s) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=') break;
    else continue;  // line breaks and garbage are skipped (RFC 2045 §6.8)
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

std::string decode_quoted_printable(std::string_view s) {
  std::string out;
  for (std::size_t p = 0; p < s.size(); ++p) {
    if (s[p] != '=') {
      out += s[p];
      continue;
    }
    if (p + 2 < s.size() && hexval(s[p + 1]) >= 0 && hexval(s[p + 2]) >= 0) {
      out += static_cast<char>(hexval(s[p + 1]) * 16 + hexval(s[p + 2]));
      p += 2;
      continue;
    }
    // soft line break "=" [WSP] CRLF (RFC 2045 §6.7 rule 5)
    std::size_t q = p + 1;
    while (q < s.size() && (s[q] == ' ' || s[q] == '\t')) ++q;
    if (q < s.size() && s[q] == '\r') ++q;
    if (q < s.size() && s[q] == '\n') {
      p = q;
      continue;
    }
    out += '=';
  }
  return out;
}

std::string encode_base64(std::string_view s) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    std::uint32_t v = (static_cast<unsigned char>(s[i]) << 16) | (static_cast<unsigned char>(s[i + 1]) << 8) |
                      static_cast<unsigned char>(s[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < s.size()) {
    std::uint32_t v = static_cast<unsigned char>(s[i]) << 16;
    if (i + 1 < s.size()) v |= static_cast<unsigned char>(s[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < s.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string stable_hash(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kHex[h & 15];
    h >>= 4;
  }
  return out;
}

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!(alpha || (i > 0 && c >= '0' && c <= '9'))) return false;
  }
  return true;
}

bool is_field_name(std::string_view s) {
  if (s.empty() || s.size() > 997) return false;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 33 || u > 126 || c == ':') return false;
  }
  return true;
}

}  // namespace postamt::sieve::detail
