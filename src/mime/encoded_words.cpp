// RFC 2047 encoded-word decoding to UTF-8: "=?charset[*lang]?B|Q?text?=" (§2, §4, RFC 2231 §5),
// whitespace between adjacent encoded-words dropped (§6.2), adjacent words in one charset joined
// before conversion so multi-byte characters split across words survive.
#include <optional>
#include <string>

#include "common/strings.hpp"
#include "mime/charset.hpp"
#include "mime/message.hpp"

namespace postamt::mime {
namespace {

struct Word {
  std::size_t end = 0;  // one past "?="
  std::string charset;
  char encoding = 'B';
  std::string_view text;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Parses an encoded-word starting at v[p] ("=?"); nullopt when it is not one.
std::optional<Word> parse_word(std::string_view v, std::size_t p) {
  std::size_t q1 = v.find('?', p + 2);
  if (q1 == std::string_view::npos || q1 == p + 2 || q1 - p - 2 > 75) return std::nullopt;
  std::string_view cs = v.substr(p + 2, q1 - p - 2);
  for (char c : cs)
    if (is_space(c) || c == '=') return std::nullopt;
  if (q1 + 2 >= v.size() || v[q1 + 2] != '?') return std::nullopt;
  char enc = v[q1 + 1];
  if (enc != 'B' && enc != 'b' && enc != 'Q' && enc != 'q') return std::nullopt;
  std::size_t tb = q1 + 3;
  std::size_t te = v.find("?=", tb);
  if (te == std::string_view::npos) return std::nullopt;
  std::string_view text = v.substr(tb, te - tb);
  for (char c : text)
    if (is_space(c)) return std::nullopt;
  Word w;
  w.end = te + 2;
  std::size_t star = cs.find('*');  // RFC 2231 §5 language suffix
  w.charset = std::string(cs.substr(0, star));
  w.encoding = static_cast<char>(enc & ~0x20);
  w.text = text;
  return w;
}

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int b64val(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// RFC 2047 §4.1 (RFC 4648 base64); missing padding tolerated.
std::optional<std::string> decode_b(std::string_view t) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t i = 0;
  for (; i < t.size() && t[i] != '='; ++i) {
    int v = b64val(t[i]);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  for (; i < t.size(); ++i)
    if (t[i] != '=') return std::nullopt;
  return out;
}

// RFC 2047 §4.2: "_" is space, "=XX" a byte. A stray "=" is kept and reported.
std::string decode_q(std::string_view t, bool& bad) {
  std::string out;
  for (std::size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == '_') {
      out.push_back(' ');
    } else if (c == '=' && i + 2 < t.size() && hexval(t[i + 1]) >= 0 && hexval(t[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hexval(t[i + 1]) * 16 + hexval(t[i + 2])));
      i += 2;
    } else {
      if (c == '=') bad = true;
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string decode_words(std::string_view v) { return decode_words(v, nullptr); }

std::string decode_words(std::string_view v, bool* bad_out) {
  bool bad = false;
  std::string out;
  std::string pending, pending_charset;  // bytes of adjacent words in one charset
  bool have_pending = false;             // the last thing emitted was an encoded-word
  auto flush = [&] {
    if (!pending.empty()) out += to_utf8(pending, pending_charset).value_or(pending);
    pending.clear();
  };
  std::size_t text_start = 0, search = 0;
  while (search < v.size()) {
    std::size_t p = v.find("=?", search);
    if (p == std::string_view::npos) break;
    auto w = parse_word(v, p);
    if (!w) {
      search = p + 2;
      continue;
    }
    std::string_view between = v.substr(text_start, p - text_start);
    bool only_ws = true;
    for (char c : between)
      if (!is_space(c)) only_ws = false;
    if (!(have_pending && only_ws)) {  // §6.2: drop whitespace between adjacent encoded-words
      flush();
      out += sanitize_utf8(between);
      have_pending = false;
    }
    std::optional<std::string> bytes;
    if (w->encoding == 'B') {
      bytes = decode_b(w->text);
    } else {
      bytes = decode_q(w->text, bad);
    }
    bool known = bytes && to_utf8("", w->charset).has_value();
    if (!known) {  // malformed or unknown charset: keep the word as it is
      bad = true;
      flush();
      out += sanitize_utf8(v.substr(p, w->end - p));
      have_pending = false;
    } else {
      if (have_pending && !str::iequals(pending_charset, w->charset)) flush();
      pending_charset = w->charset;
      pending += *bytes;
      have_pending = true;
    }
    text_start = search = w->end;
  }
  flush();
  out += sanitize_utf8(v.substr(text_start));
  if (bad_out && bad) *bad_out = true;
  return out;
}

}  // namespace postamt::mime
