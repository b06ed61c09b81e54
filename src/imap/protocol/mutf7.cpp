// Modified UTF-7 (see mutf7.hpp). RFC 3501 §5.1.3; UTF-8 per RFC 3629 §4.
#include "imap/protocol/mutf7.hpp"

#include <cstdint>
#include <vector>

namespace postamt::imap::protocol {
namespace {

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == ',') return 63;  // modified base64 uses "," for "/"
  return -1;
}

// Decodes one UTF-8 sequence at s[i]; returns the code point or -1, advancing i.
std::int32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  int len;
  std::uint32_t cp;
  if (b0 < 0x80) {
    ++i;
    return b0;
  } else if (b0 >= 0xc2 && b0 <= 0xdf) {
    len = 2;
    cp = b0 & 0x1f;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    len = 3;
    cp = b0 & 0x0f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    return -1;
  }
  if (i + static_cast<std::size_t>(len) > s.size()) return -1;
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((b & 0xc0) != 0x80) return -1;
    cp = (cp << 6) | (b & 0x3f);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
      (cp >= 0xd800 && cp <= 0xdfff))
    return -1;
  i += static_cast<std::size_t>(len);
  return static_cast<std::int32_t>(cp);
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

// RFC 3501 §5.1.3: octets 0x20-0x25 and 0x27-0x7e represent themselves.
bool direct(std::uint32_t c) { return c >= 0x20 && c <= 0x7e && c != '&'; }

void flush_utf16(std::string& out, const std::vector<std::uint16_t>& units) {
  std::uint32_t bits = 0;
  int nbits = 0;
  out.push_back('&');
  for (auto u : units) {
    bits = (bits << 16) | u;
    nbits += 16;
    while (nbits >= 6) {
      nbits -= 6;
      out.push_back(kB64[(bits >> nbits) & 0x3f]);
    }
    bits &= (1u << nbits) - 1;
  }
  if (nbits > 0) out.push_back(kB64[(bits << (6 - nbits)) & 0x3f]);
  out.push_back('-');
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size())
    if (next_code_point(s, i) < 0) return false;
  return true;
}

std::optional<std::string> decode_mailbox_name(std::string_view wire, bool utf8) {
  if (utf8) {
    if (!is_valid_utf8(wire)) return std::nullopt;
    return std::string(wire);
  }
  return mutf7_decode(wire);
}

std::optional<std::string> mutf7_encode(std::string_view utf8) {
  std::string out;
  std::vector<std::uint16_t> pending;
  std::size_t i = 0;
  while (i < utf8.size()) {
    const std::int32_t cp = next_code_point(utf8, i);
    if (cp < 0) return std::nullopt;
    const auto c = static_cast<std::uint32_t>(cp);
    if (direct(c) || c == '&') {
      if (!pending.empty()) {
        flush_utf16(out, pending);
        pending.clear();
      }
      if (c == '&')
        out += "&-";
      else
        out.push_back(static_cast<char>(c));
      continue;
    }
    if (c >= 0x10000) {  // UTF-16 surrogate pair
      const std::uint32_t v = c - 0x10000;
      pending.push_back(static_cast<std::uint16_t>(0xd800 | (v >> 10)));
      pending.push_back(static_cast<std::uint16_t>(0xdc00 | (v & 0x3ff)));
    } else {
      pending.push_back(static_cast<std::uint16_t>(c));
    }
  }
  if (!pending.empty()) flush_utf16(out, pending);
  return out;
}

std::optional<std::string> mutf7_decode(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  bool prev_was_run = false;  // a canonical encoder never emits two adjacent runs
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c != '&') {
      if (!direct(c)) return std::nullopt;
      out.push_back(static_cast<char>(c));
      ++i;
      prev_was_run = false;
      continue;
    }
    ++i;
    if (i < s.size() && s[i] == '-') {  // "&-" is "&"
      out.push_back('&');
      ++i;
      prev_was_run = false;
      continue;
    }
    if (prev_was_run) return std::nullopt;
    std::uint32_t bits = 0;
    int nbits = 0;
    std::uint32_t high = 0;  // pending high surrogate
    std::size_t units = 0;
    for (;;) {
      if (i >= s.size()) return std::nullopt;  // unterminated
      const char ch = s[i++];
      if (ch == '-') break;
      const int v = b64_value(ch);
      if (v < 0) return std::nullopt;
      bits = (bits << 6) | static_cast<std::uint32_t>(v);
      nbits += 6;
      if (nbits >= 16) {
        nbits -= 16;
        const std::uint32_t u = (bits >> nbits) & 0xffff;
        bits &= (1u << nbits) - 1;
        ++units;
        if (high) {
          if (u < 0xdc00 || u > 0xdfff) return std::nullopt;
          append_utf8(out, 0x10000 + ((high - 0xd800) << 10) + (u - 0xdc00));
          high = 0;
        } else if (u >= 0xd800 && u <= 0xdbff) {
          high = u;
        } else if ((u >= 0xdc00 && u <= 0xdfff) || direct(u) || u == '&') {
          return std::nullopt;  // lone low surrogate, or ASCII that must represent itself
        } else {
          append_utf8(out, u);
        }
      }
    }
    // Leftover bits must be fewer than 6 and zero; the run must not be empty or end mid-pair.
    if (units == 0 || high != 0 || nbits >= 6 || bits != 0) return std::nullopt;
    prev_was_run = true;
  }
  return out;
}

}  // namespace postamt::imap::protocol
