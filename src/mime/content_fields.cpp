// MIME structured field parsing: RFC 2045 §5.1 (Content-Type grammar, tspecials), RFC 2183 §2
// (Content-Disposition), RFC 2231 §3-§4 (parameter continuations and charset'lang'%XX values).
#include "mime/content_fields.hpp"

#include <algorithm>
#include <map>

#include "common/strings.hpp"
#include "mime/charset.hpp"

namespace postamt::mime::detail {
namespace {

constexpr std::size_t kMaxCommentNesting = 64;
constexpr unsigned kMaxSegment = 999;  // RFC 2231 continuation numbers accepted
constexpr std::size_t kMaxParams = 200;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// RFC 2045 §5.1 tspecials
bool is_tspecial(char c) {
  switch (c) {
    case '(': case ')': case '<': case '>': case '@': case ',': case ';': case ':': case '\\':
    case '"': case '/': case '[': case ']': case '?': case '=':
      return true;
    default:
      return false;
  }
}

bool is_token_char(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return u > 32 && u != 127 && !is_tspecial(c);
}

// Cursor over a structured field value; skips whitespace and comments.
struct Cursor {
  std::string_view s;
  std::size_t i = 0;
  bool at_end() const { return i >= s.size(); }
  char peek() const { return s[i]; }
  void skip_cfws() {
    for (;;) {
      while (i < s.size() && is_space(s[i])) ++i;
      if (i < s.size() && s[i] == '(') {
        std::size_t depth = 0;
        while (i < s.size()) {
          char c = s[i++];
          if (c == '\\' && i < s.size()) {
            ++i;
          } else if (c == '(') {
            ++depth;
          } else if (c == ')') {
            if (--depth == 0) break;
          }
          if (depth > kMaxCommentNesting) depth = kMaxCommentNesting;
        }
        continue;
      }
      return;
    }
  }
  std::string token() {
    std::size_t b = i;
    while (i < s.size() && is_token_char(s[i])) ++i;
    return std::string(s.substr(b, i - b));
  }
  // Quoted string at s[i] == '"'; escapes removed; unterminated runs to the end.
  std::string quoted() {
    std::string out;
    ++i;
    while (i < s.size()) {
      char c = s[i++];
      if (c == '"') break;
      if (c == '\\' && i < s.size()) c = s[i++];
      if (c == '\r' || c == '\n') continue;
      out.push_back(c);
    }
    return out;
  }
  void skip_to_semicolon() {
    while (i < s.size() && s[i] != ';') {
      if (s[i] == '"') {
        quoted();
      } else {
        ++i;
      }
    }
  }
};

struct Segment {
  unsigned index;
  bool encoded;
  std::string value;
};
struct RawParam {
  std::string name;
  std::string plain;  // `name=value`
  bool has_plain = false;
  std::vector<Segment> segments;  // RFC 2231 forms
};

std::string pct_decode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// RFC 2231 §3/§4: joins the segments in order; the first encoded segment carries charset'lang'.
Param join_segments(RawParam& rp) {
  std::stable_sort(rp.segments.begin(), rp.segments.end(),
                   [](const Segment& a, const Segment& b) { return a.index < b.index; });
  Param p;
  p.name = rp.name;
  p.extended = true;
  std::string charset, bytes;
  bool first = true;
  for (auto& seg : rp.segments) {
    std::string_view v = seg.value;
    if (first && seg.encoded) {
      std::size_t q1 = v.find('\'');
      std::size_t q2 = q1 == std::string_view::npos ? q1 : v.find('\'', q1 + 1);
      if (q2 != std::string_view::npos) {
        charset = std::string(v.substr(0, q1));
        p.language = std::string(v.substr(q1 + 1, q2 - q1 - 1));
        v = v.substr(q2 + 1);
      }
    }
    first = false;
    bytes += seg.encoded ? pct_decode(v) : std::string(v);
  }
  if (charset.empty()) {
    p.value = sanitize_utf8(bytes);
  } else {
    p.value = to_utf8(bytes, charset).value_or(sanitize_utf8(bytes));
  }
  return p;
}

}  // namespace

std::vector<Param> parse_params(std::string_view s) {
  std::vector<RawParam> raw;
  Cursor c{s};
  c.skip_to_semicolon();
  while (!c.at_end()) {
    ++c.i;  // ';'
    c.skip_cfws();
    std::string name = str::to_lower(c.token());
    c.skip_cfws();
    if (name.empty() || c.at_end() || c.peek() != '=') {
      c.skip_to_semicolon();
      continue;
    }
    ++c.i;
    c.skip_cfws();
    std::string value;
    if (!c.at_end() && c.peek() == '"') {
      value = c.quoted();
    } else {  // token; tolerate unquoted tspecials and spaces up to ';' (common in file names)
      std::size_t b = c.i;
      while (!c.at_end() && c.peek() != ';') ++c.i;
      std::string_view v = str::trim(s.substr(b, c.i - b));
      std::size_t comment = v.find(" (");
      if (comment != std::string_view::npos && v.back() == ')') v = str::trim(v.substr(0, comment));
      value = std::string(v);
    }
    c.skip_to_semicolon();

    // RFC 2231 §3/§4: name*N, name*N*, name*
    std::string base = name;
    bool is2231 = false, encoded = false;
    unsigned index = 0;
    std::size_t star = name.find('*');
    if (star != std::string::npos && star > 0) {
      std::string_view rest = std::string_view(name).substr(star + 1);
      if (rest.empty()) {
        is2231 = encoded = true;
      } else {
        if (rest.back() == '*') {
          encoded = true;
          rest.remove_suffix(1);
        }
        bool digits = !rest.empty() && rest.size() <= 3;
        for (char d : rest)
          if (d < '0' || d > '9') digits = false;
        if (digits) {
          is2231 = true;
          index = static_cast<unsigned>(std::stoul(std::string(rest)));
          if (rest.size() > 1 && rest[0] == '0') is2231 = false;  // no leading zeros (§3)
        }
      }
      if (is2231) base = name.substr(0, star);
    }
    auto it = std::find_if(raw.begin(), raw.end(), [&](const RawParam& r) { return r.name == base; });
    if (it == raw.end()) {
      if (raw.size() >= kMaxParams) continue;
      raw.push_back(RawParam{base, {}, false, {}});
      it = raw.end() - 1;
    }
    if (is2231) {
      if (index > kMaxSegment) continue;
      bool dup = std::any_of(it->segments.begin(), it->segments.end(), [&](const Segment& x) { return x.index == index; });
      if (!dup) it->segments.push_back(Segment{index, encoded, std::move(value)});
    } else if (!it->has_plain) {
      it->plain = std::move(value);
      it->has_plain = true;
    }
  }
  std::vector<Param> out;
  out.reserve(raw.size());
  for (auto& rp : raw) {
    if (!rp.segments.empty()) {
      out.push_back(join_segments(rp));
    } else {
      Param p;
      p.name = rp.name;
      p.value = std::move(rp.plain);
      out.push_back(std::move(p));
    }
  }
  return out;
}

bool parse_content_type(std::string_view value, std::string& type, std::string& subtype, std::vector<Param>& params) {
  Cursor c{value};
  c.skip_cfws();
  std::string t = str::to_lower(c.token());
  c.skip_cfws();
  if (t.empty() || c.at_end() || c.peek() != '/') return false;
  ++c.i;
  c.skip_cfws();
  std::string st = str::to_lower(c.token());
  if (st.empty()) return false;
  type = std::move(t);
  subtype = std::move(st);
  params = parse_params(value.substr(c.i));
  return true;
}

void parse_disposition(std::string_view value, std::string& disposition, std::vector<Param>& params) {
  Cursor c{value};
  c.skip_cfws();
  disposition = str::to_lower(c.token());
  params = parse_params(value.substr(c.i));
}

std::string parse_token_value(std::string_view value) {
  Cursor c{value};
  c.skip_cfws();
  return str::to_lower(c.token());
}

std::string strip_comments(std::string_view s) {
  std::string out;
  std::size_t depth = 0;
  bool in_quote = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char ch = s[i];
    if (in_quote) {
      out.push_back(ch);
      if (ch == '\\' && i + 1 < s.size()) {
        out.push_back(s[++i]);
      } else if (ch == '"') {
        in_quote = false;
      }
    } else if (depth > 0) {
      if (ch == '\\') ++i;
      else if (ch == '(') depth = std::min(depth + 1, kMaxCommentNesting);
      else if (ch == ')') --depth;
    } else if (ch == '(') {
      depth = 1;
    } else {
      if (ch == '"') in_quote = true;
      out.push_back(ch);
    }
  }
  return out;
}

std::vector<std::string> parse_token_list(std::string_view value) {
  std::vector<std::string> out;
  std::string clean = strip_comments(value);
  for (auto item : str::split(clean, ',')) {
    auto t = str::trim(item);
    if (!t.empty()) out.emplace_back(t);
  }
  return out;
}

}  // namespace postamt::mime::detail
