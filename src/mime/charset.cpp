// Charset to UTF-8 conversion: built-in single-byte tables for the common Western charsets, iconv(3)
// for the rest (RFC 2047 §3 / RFC 2231 §4 charset names, case-insensitive).
#include "mime/charset.hpp"

#include <iconv.h>

#include <cerrno>
#include <cstdint>

#include "common/strings.hpp"

namespace postamt::mime {
namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

constexpr std::uint32_t kReplacement = 0xFFFD;

// windows-1252 0x80..0x9F (undefined positions map to U+FFFD).
constexpr std::uint16_t kCp1252High[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

std::uint32_t latin9(unsigned char c) {  // ISO-8859-15 differs from -1 in eight positions
  switch (c) {
    case 0xA4: return 0x20AC;
    case 0xA6: return 0x0160;
    case 0xA8: return 0x0161;
    case 0xB4: return 0x017D;
    case 0xB8: return 0x017E;
    case 0xBC: return 0x0152;
    case 0xBD: return 0x0153;
    case 0xBE: return 0x0178;
    default: return c;
  }
}

enum class Builtin { Utf8, Ascii, Latin1, Latin9, Cp1252, None };

Builtin builtin(std::string_view name) {
  std::string n = str::to_lower(name);
  if (n == "utf-8" || n == "utf8") return Builtin::Utf8;
  if (n == "us-ascii" || n == "ascii" || n == "ansi_x3.4-1968" || n == "us") return Builtin::Ascii;
  if (n == "iso-8859-1" || n == "iso8859-1" || n == "iso_8859-1" || n == "latin1" || n == "l1" ||
      n == "iso-ir-100" || n == "cp819")
    return Builtin::Latin1;
  if (n == "iso-8859-15" || n == "iso8859-15" || n == "iso_8859-15" || n == "latin-9" || n == "latin9")
    return Builtin::Latin9;
  if (n == "windows-1252" || n == "cp1252" || n == "x-cp1252") return Builtin::Cp1252;
  return Builtin::None;
}

// Decodes UTF-8, replacing each invalid sequence with U+FFFD (no overlongs, no surrogates).
std::string repair_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    std::size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    if (c > 0xF4) len = 0;
    bool ok = len != 0 && i + len <= s.size();
    std::uint32_t cp = 0;
    if (ok) {
      cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
      for (std::size_t k = 1; k < len; ++k) {
        unsigned char cc = static_cast<unsigned char>(s[i + k]);
        if ((cc & 0xC0) != 0x80) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (cc & 0x3F);
      }
    }
    if (ok && ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))))
      ok = false;
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      append_utf8(out, kReplacement);
      ++i;
    }
  }
  return out;
}

std::optional<std::string> via_iconv(std::string_view bytes, std::string_view charset) {
  std::string name(charset);
  iconv_t cd = iconv_open("UTF-8", name.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string out;
  out.reserve(bytes.size() * 2 + 16);
  std::string in(bytes);
  char* inp = in.data();
  std::size_t inleft = in.size();
  char buf[4096];
  for (;;) {
    char* outp = buf;
    std::size_t outleft = sizeof buf;
    std::size_t r = inleft == 0 ? iconv(cd, nullptr, nullptr, &outp, &outleft)  // flush shift state
                                : iconv(cd, &inp, &inleft, &outp, &outleft);
    out.append(buf, static_cast<std::size_t>(outp - buf));
    if (r != static_cast<std::size_t>(-1)) {
      if (inleft == 0) break;
      continue;
    }
    if (errno == E2BIG) continue;
    // EILSEQ or EINVAL (truncated input): one replacement character, skip one byte.
    append_utf8(out, kReplacement);
    if (inleft == 0) break;
    ++inp;
    --inleft;
  }
  iconv_close(cd);
  return repair_utf8(out);
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) {
  for (unsigned char c : bytes)
    if (c >= 0x80) return repair_utf8(bytes) == bytes;
  return true;
}

std::optional<std::string> to_utf8(std::string_view bytes, std::string_view charset) {
  Builtin b = builtin(charset);
  std::string out;
  switch (b) {
    case Builtin::Utf8:
      return repair_utf8(bytes);
    case Builtin::Ascii:  // 8-bit bytes in "us-ascii" text are common; read them leniently
      return sanitize_utf8(bytes);
    case Builtin::Latin1:
    case Builtin::Latin9:
    case Builtin::Cp1252:
      out.reserve(bytes.size() + bytes.size() / 4);
      for (unsigned char c : bytes) {
        std::uint32_t cp = c;
        if (b == Builtin::Latin9) cp = latin9(c);
        else if (b == Builtin::Cp1252 && c >= 0x80 && c < 0xA0) cp = kCp1252High[c - 0x80];
        append_utf8(out, cp);
      }
      return out;
    case Builtin::None:
      break;
  }
  // Only plain charset names reach iconv (no "//TRANSLIT"-style suffixes from mail).
  if (charset.empty() || charset.size() > 64) return std::nullopt;
  for (char c : charset)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.' || c == ':'))
      return std::nullopt;
  return via_iconv(bytes, charset);
}

std::string sanitize_utf8(std::string_view bytes) {
  if (is_valid_utf8(bytes)) return std::string(bytes);
  return *to_utf8(bytes, "windows-1252");
}

}  // namespace postamt::mime
