// PREVIEW text (RFC 8970 §3): choose the first non-attachment text part (depth first, text/plain before
// text/html), decode it (RFC 2045 §6 transfer encodings, §5.1 charset), reduce HTML to text and cut it.
#include "imap/preview.hpp"

#include <cctype>

#include "common/strings.hpp"
#include "imap/message_sections.hpp"
#include "mime/charset.hpp"

namespace postamt::imap {
namespace {

constexpr std::size_t kMaxScanBytes = 64 * 1024;  // decoding more text cannot change the first 200 chars
constexpr std::size_t kMaxHtmlText = 16 * 1024;   // text gathered from HTML before the cut

bool is_attachment(const mime::Part& p) { return p.disposition == "attachment"; }

// Depth first; message/rfc822 parts are attachments of their own and are not looked into.
const mime::Part* find_text(const mime::Part& p, std::string_view subtype) {
  if (p.is_multipart()) {
    for (const auto& child : p.children)
      if (const auto* found = find_text(child, subtype)) return found;
    return nullptr;
  }
  if (p.type == "text" && p.subtype == subtype && !is_attachment(p)) return &p;
  return nullptr;
}

std::string decoded_text(std::string_view raw, const mime::Part& p) {
  std::string_view body = raw.substr(p.body_begin, std::min(p.body_end - p.body_begin, kMaxScanBytes));
  std::string bytes;
  if (p.encoding == "base64") bytes = decode_base64_lenient(body);
  else if (p.encoding == "quoted-printable") bytes = decode_quoted_printable(body);
  else bytes.assign(body);
  const auto* charset = p.param("charset");
  std::optional<std::string> utf8;
  if (charset && !charset->value.empty()) utf8 = mime::to_utf8(bytes, charset->value);
  return utf8 ? std::move(*utf8) : mime::sanitize_utf8(bytes);
}

// Tags and comments removed (their text is dropped, <br>/<p> become spaces), <head>, <style> and
// <script> contents skipped, the common entities decoded; others kept as written.
std::string html_to_text(std::string_view html) {
  std::string out;
  std::size_t i = 0;
  // Moves past the next `end` (ASCII case-insensitive), or to the end of the text.
  auto skip_until = [&](std::string_view end) {
    for (std::size_t j = i; j + end.size() <= html.size(); ++j)
      if (str::iequals(html.substr(j, end.size()), end)) {
        i = j + end.size();
        return;
      }
    i = html.size();
  };
  while (i < html.size() && out.size() < kMaxHtmlText) {
    char c = html[i];
    if (c == '<') {
      if (html.substr(i, 4) == "<!--") {
        skip_until("-->");
        continue;
      }
      // The element name after "<": letters only, so "<header>" is not "<head>".
      std::size_t n = i + 1;
      while (n < html.size() && n - i <= 8 && std::isalpha(static_cast<unsigned char>(html[n]))) ++n;
      const std::string name = str::to_lower(html.substr(i + 1, n - i - 1));
      if (name == "style" || name == "script" || name == "head" || name == "title") skip_until("</" + name + ">");
      else skip_until(">");
      out.push_back(' ');
      continue;
    }
    if (c == '&') {
      static constexpr std::pair<std::string_view, std::string_view> kEntities[] = {
          {"&nbsp;", " "}, {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&apos;", "'"}};
      bool done = false;
      for (const auto& [entity, text] : kEntities)
        if (str::iequals(html.substr(i, entity.size()), entity)) {
          out += text;
          i += entity.size();
          done = true;
          break;
        }
      if (done) continue;
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

// Whitespace runs (ASCII, including CR/LF/TAB) become one space; leading/trailing removed; cut after
// `max` UTF-8 characters (never inside a character).
std::string normalise(std::string_view text, std::size_t max) {
  std::string out;
  std::size_t chars = 0;
  bool space = false;
  for (std::size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v' || c < 0x20 || c == 0x7f) {
      space = !out.empty();
      ++i;
      continue;
    }
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 1;
    if (i + len > text.size()) break;
    if (space) {
      if (chars + 1 >= max) break;
      out.push_back(' ');
      ++chars;
      space = false;
    }
    if (chars >= max) break;
    out.append(text.substr(i, len));
    ++chars;
    i += len;
  }
  return out;
}

}  // namespace

std::string preview(std::string_view raw, const mime::Message& parsed) {
  const mime::Part* part = find_text(parsed.root, "plain");
  bool html = false;
  if (!part) {
    part = find_text(parsed.root, "html");
    html = part != nullptr;
  }
  if (!part) return {};
  std::string text = decoded_text(raw, *part);
  if (html) text = html_to_text(text);
  return normalise(text, kPreviewChars);
}

}  // namespace postamt::imap
