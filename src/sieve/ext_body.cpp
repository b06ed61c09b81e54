// RFC 5173 body test: :raw (undecoded body, §5.1), :content with MIME type prefixes (§5.2: leaf
// parts decoded from their transfer encoding and charset) and :text (default, §5.3: text/* parts).
// HTML is matched as it is, without tag stripping.
#include "common/strings.hpp"
#include "mime/charset.hpp"
#include "sieve/interpreter.hpp"
#include "sieve/text.hpp"

namespace postamt::sieve::detail {
namespace {

bool type_selected(const mime::Part& p, const std::vector<std::string>& types) {
  for (const auto& t : types) {
    if (t.empty()) return true;  // §5.2: "" matches every part
    auto slash = t.find('/');
    if (slash == std::string::npos) {
      if (str::iequals(p.type, t)) return true;
    } else if (str::iequals(p.type, std::string_view(t).substr(0, slash)) &&
               str::iequals(p.subtype, std::string_view(t).substr(slash + 1))) {
      return true;
    }
  }
  return false;
}

std::string decoded_text(const mime::Part& p, std::string_view raw, std::size_t max) {
  std::string_view body = raw.substr(p.body_begin, std::min(p.body_end - p.body_begin, max * 2));
  std::string bytes;
  if (p.encoding == "base64") bytes = decode_base64(body);
  else if (p.encoding == "quoted-printable") bytes = decode_quoted_printable(body);
  else bytes = std::string(body);
  if (p.type == "text") {
    const mime::Param* cs = p.param("charset");
    if (cs && !cs->value.empty()) {
      if (auto u = mime::to_utf8(bytes, cs->value)) bytes = std::move(*u);
    } else {
      bytes = mime::sanitize_utf8(bytes);
    }
  }
  return utf8_truncate(std::move(bytes), max);
}

void collect(const mime::Part& p, std::string_view raw, const std::vector<std::string>& types, std::size_t max,
             std::vector<std::string>& out, std::size_t depth) {
  if (depth > 64 || out.size() > 1000) return;
  if (!p.children.empty()) {
    for (const auto& c : p.children) collect(c, raw, types, max, out, depth + 1);
    return;
  }
  if (type_selected(p, types)) out.push_back(decoded_text(p, raw, max));
}

bool eval_body(Interpreter& in, const Node& n) {
  const auto& m = in.msg;
  if (m.parsed.fatal) return false;
  std::vector<std::string> values;
  const auto& root = m.parsed.root;
  if (n.has("raw")) {
    values.emplace_back(m.raw.substr(root.body_begin, std::min(root.body_end - root.body_begin, in.limits.max_body_bytes)));
  } else {
    std::vector<std::string> types = n.has("content") ? in.tag_list(n, "content") : std::vector<std::string>{"text"};
    collect(root, m.raw, types, in.limits.max_body_bytes, values, 0);
  }
  return in.match(n, values, in.list(n, 0));
}

}  // namespace

void add_body(Registry& r) {
  r.test({.name = "body",
          .capability = "body",
          .tags = {{"raw", std::nullopt, "transform", ""},
                   {"content", ArgType::StringList, "transform", ""},
                   {"text", std::nullopt, "transform", ""}},
          .positional = {ArgType::StringList},
          .match = true,
          .eval = eval_body});
}

}  // namespace postamt::sieve::detail
