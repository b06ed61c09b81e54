// RFC 5293 editheader: addheader (§4, prepends unless :last) and deleteheader (§5, :index/:last,
// value patterns). Changes are seen by later tests; Received and Auto-Submitted are protected (§6).
#include "common/strings.hpp"
#include "sieve/interpreter.hpp"
#include "sieve/text.hpp"
#include "sieve/validator.hpp"

namespace postamt::sieve::detail {
namespace {

bool is_protected(std::string_view name) {
  return str::iequals(name, "Received") || str::iequals(name, "Auto-Submitted");  // §6
}

bool is_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

void run_addheader(Interpreter& in, const Node& n) {
  std::string name = in.arg(n, 0);
  std::string value = in.arg(n, 1);
  if (!is_field_name(name)) in.fail(n, "addheader: invalid header name \"" + name + "\"");
  if (is_protected(name)) return;  // §6: silently ignored
  for (char& c : value)
    if (c == '\r' || c == '\n') c = ' ';
  // §4: non-ASCII values are encoded as RFC 2047 encoded-words.
  if (!is_ascii(value)) value = "=?UTF-8?B?" + encode_base64(value) + "?=";
  auto& h = in.headers();
  if (n.has("last"))
    h.emplace_back(name, value);
  else
    h.insert(h.begin(), {name, value});
  in.headers_changed();
}

void run_deleteheader(Interpreter& in, const Node& n) {
  std::string name = in.arg(n, 0);
  if (!is_field_name(name)) in.fail(n, "deleteheader: invalid header name \"" + name + "\"");
  if (is_protected(name)) return;
  const bool have_patterns = !n.positional[1].strings.empty();
  std::vector<std::string> patterns = have_patterns ? in.list(n, 1) : std::vector<std::string>{};
  auto& h = in.headers();
  std::vector<std::size_t> positions;
  for (std::size_t i = 0; i < h.size(); ++i)
    if (str::iequals(h[i].first, name)) positions.push_back(i);
  if (n.match.index) {
    if (n.match.index > positions.size()) return;
    std::size_t pick = n.match.last ? positions.size() - n.match.index : n.match.index - 1;
    positions = {positions[pick]};
  }
  std::vector<std::size_t> doomed;
  for (std::size_t i : positions)
    if (!have_patterns || in.match(n, {mime::decode_words(h[i].second)}, patterns)) doomed.push_back(i);
  for (auto it = doomed.rbegin(); it != doomed.rend(); ++it) h.erase(h.begin() + static_cast<std::ptrdiff_t>(*it));
  if (!doomed.empty()) in.headers_changed();
}

void validate_name(Validator& v, Node& n) {
  if (n.positional.empty() || n.positional[0].strings.empty()) return;
  const std::string& name = n.positional[0].str();
  if (v.constant(name) && !is_field_name(name)) v.error(n.positional[0], "invalid header name \"" + name + "\"");
}

}  // namespace

void add_editheader(Registry& r) {
  r.command({.name = "addheader",
             .capability = "editheader",
             .tags = {{"last", std::nullopt, "", ""}},
             .positional = {ArgType::String, ArgType::String},
             .validate = validate_name,
             .run = run_addheader});
  r.command({.name = "deleteheader",
             .capability = "editheader",
             .tags = {{"index", ArgType::Number, "", ""}, {"last", std::nullopt, "", ""}},
             .positional = {ArgType::String, ArgType::StringList},
             .min_positional = 1,
             .optional_last = true,
             .match = true,
             .validate = validate_name,
             .run = run_deleteheader});
}

}  // namespace postamt::sieve::detail
