// UTF-8 validation following the RFC 3629 §4 ABNF (UTF8-1..UTF8-4).
#include "sasl/utf8.hpp"

namespace postamt::sasl {

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  auto cont = [&](std::size_t at, unsigned lo = 0x80, unsigned hi = 0xBF) {
    if (at >= s.size()) return false;
    auto c = static_cast<unsigned char>(s[at]);
    return c >= lo && c <= hi;
  };
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
    } else if (c >= 0xC2 && c <= 0xDF) {
      if (!cont(i + 1)) return false;
      i += 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      unsigned lo = c == 0xE0 ? 0xA0 : 0x80;  // no overlongs
      unsigned hi = c == 0xED ? 0x9F : 0xBF;  // no surrogates
      if (!cont(i + 1, lo, hi) || !cont(i + 2)) return false;
      i += 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      unsigned lo = c == 0xF0 ? 0x90 : 0x80;
      unsigned hi = c == 0xF4 ? 0x8F : 0xBF;  // nothing above U+10FFFF
      if (!cont(i + 1, lo, hi) || !cont(i + 2) || !cont(i + 3)) return false;
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace postamt::sasl
