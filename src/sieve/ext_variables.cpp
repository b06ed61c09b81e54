// RFC 5229 variables: the set command with modifiers (§4, applied by precedence §4.1) and the
// string test (§5). Expansion of ${...} and match variables live in interpreter.cpp.
#include "common/strings.hpp"
#include "sieve/interpreter.hpp"
#include "sieve/match.hpp"
#include "sieve/text.hpp"
#include "sieve/validator.hpp"

namespace postamt::sieve::detail {
namespace {

std::string first_char_case(std::string s, bool upper) {
  if (!s.empty()) s[0] = static_cast<char>(upper ? std::toupper(static_cast<unsigned char>(s[0]))
                                                 : std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

void run_set(Interpreter& in, const Node& n) {
  std::string v = in.arg(n, 1);
  // RFC 5229 §4.1: precedence 40 (:lower/:upper), 30 (:lowerfirst/:upperfirst), 20 (:quotewildcard),
  // 15 (:quoteregex), 10 (:length); higher precedence is applied first.
  if (n.has("lower")) v = str::to_lower(v);
  if (n.has("upper")) v = str::to_upper(v);
  if (n.has("lowerfirst")) v = first_char_case(std::move(v), false);
  if (n.has("upperfirst")) v = first_char_case(std::move(v), true);
  if (n.has("quotewildcard")) v = quote_wildcard(v);
  if (n.has("quoteregex")) v = quote_regex(v);
  if (n.has("length")) v = std::to_string(utf8_count(v));
  in.set_var(n.positional[0].str(), std::move(v));
}

bool valid_variable_name(const std::string& name) {
  for (auto part : str::split(name, '.'))
    if (!is_identifier(part)) return false;
  return !name.empty();
}

void validate_set(Validator& v, Node& n) {
  if (n.positional.empty() || n.positional[0].strings.empty()) return;
  const std::string& name = n.positional[0].str();
  if (!valid_variable_name(name)) v.error(n.positional[0], "invalid variable name \"" + name + "\"");
  else if (name.find('.') != std::string::npos && !str::istarts_with(name, "global."))
    v.error(n.positional[0], "unknown variable namespace in \"" + name + "\"");
}

bool eval_string(Interpreter& in, const Node& n) {
  std::vector<std::string> values;
  for (auto& s : in.list(n, 0))
    if (!(n.match.type == MatchType::Count && s.empty())) values.push_back(std::move(s));  // §5: empty not counted
  return in.match(n, values, in.list(n, 1));
}

}  // namespace

void add_variables(Registry& r) {
  r.command({.name = "set",
             .capability = "variables",
             .tags = {{"lower", std::nullopt, "case", ""},
                      {"upper", std::nullopt, "case", ""},
                      {"lowerfirst", std::nullopt, "firstcase", ""},
                      {"upperfirst", std::nullopt, "firstcase", ""},
                      {"quotewildcard", std::nullopt, "quote", ""},
                      {"quoteregex", std::nullopt, "quote", "regex"},
                      {"length", std::nullopt, "length", ""}},
             .positional = {ArgType::String, ArgType::String},
             .validate = validate_set,
             .run = run_set});
  r.test({.name = "string",
          .capability = "variables",
          .positional = {ArgType::StringList, ArgType::StringList},
          .match = true,
          .eval = eval_string});
}

}  // namespace postamt::sieve::detail
