// Tag lists (RFC 6376 §3.2): tag-spec = [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS].
#include "mailauth/dkim/tag_list.hpp"

#include "common/strings.hpp"

namespace postamt::mailauth {
namespace {
bool is_fws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
std::string_view trim_fws(std::string_view s) {
  while (!s.empty() && is_fws(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_fws(s.back())) s.remove_suffix(1);
  return s;
}
bool valid_name(std::string_view n) {  // tag-name = ALPHA *ALNUMPUNC
  if (n.empty() || !((n[0] >= 'a' && n[0] <= 'z') || (n[0] >= 'A' && n[0] <= 'Z'))) return false;
  for (char c : n)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}
}  // namespace

std::optional<TagList> parse_tag_list(std::string_view text, std::string* error) {
  TagList tags;
  auto fail = [&](std::string why) -> std::optional<TagList> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  if (text.size() > 65536) return fail("tag list too long");
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t semi = text.find(';', pos);
    std::string_view spec = text.substr(pos, semi == std::string_view::npos ? std::string_view::npos : semi - pos);
    pos = semi == std::string_view::npos ? text.size() + 1 : semi + 1;
    if (trim_fws(spec).empty()) {
      if (semi == std::string_view::npos) break;  // trailing ";" is allowed
      return fail("empty tag");
    }
    auto eq = spec.find('=');
    if (eq == std::string_view::npos) return fail("tag without '=': " + std::string(trim_fws(spec)));
    std::string name(trim_fws(spec.substr(0, eq)));
    if (!valid_name(name)) return fail("bad tag name '" + name + "'");
    if (tags.count(name)) return fail("duplicate tag '" + name + "'");
    tags[name] = std::string(trim_fws(spec.substr(eq + 1)));
  }
  return tags;
}

std::string strip_fws(std::string_view value) {
  std::string out;
  for (char c : value)
    if (!is_fws(c)) out += c;
  return out;
}

}  // namespace postamt::mailauth
