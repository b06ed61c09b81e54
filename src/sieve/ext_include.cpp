// RFC 6609 include: include (§3.2, scripts compiled by compile()), return (§3.4) and global (§3.3).
#include "sieve/interpreter.hpp"
#include "sieve/text.hpp"
#include "sieve/validator.hpp"

namespace postamt::sieve::detail {
namespace {

void run_include(Interpreter& in, const Node& n) {
  const std::string& name = n.positional[0].str();
  const std::string key = (n.has("global") ? "g:" : "p:") + name;
  const auto& includes = in.script().includes;
  auto it = includes.find(key);
  if (it == includes.end() || !it->second) {
    if (n.has("optional")) return;
    in.fail(n, "included script \"" + name + "\" does not exist");
  }
  // §3.2: :once skips a script already included at any other point, with or without :once (the
  // differential test against Pigeonhole found us counting only :once includes).
  const bool first_time = in.included_once.insert(key).second;
  if (n.has("once") && !first_time) return;
  if (in.include_depth >= 16) in.fail(n, "includes nested too deeply");
  ++in.include_depth;
  in.run_script(*it->second);
  --in.include_depth;
}

void validate_include(Validator& v, Node& n) {
  if (n.positional.empty() || n.positional[0].strings.empty()) return;
  const std::string& name = n.positional[0].str();
  // RFC 6609 §3.2: the script name is a constant; no path separators.
  if (!v.constant(name)) v.error(n.positional[0], "include: script name must be a constant");
  if (name.empty() || name.find('/') != std::string::npos) v.error(n.positional[0], "include: invalid script name");
  if (n.has("personal") && n.has("global")) v.error(n, "include: :personal and :global exclude each other");
}

void validate_global(Validator& v, Node& n) {
  if (!v.uses("variables")) v.error(n, "'global' needs \"variables\" in require");
  if (n.positional.empty()) return;
  for (const auto& name : n.positional[0].strings)
    if (!is_identifier(name)) v.error(n.positional[0], "invalid variable name \"" + name + "\"");
}

}  // namespace

void add_include(Registry& r) {
  r.command({.name = "include",
             .capability = "include",
             .tags = {{"personal", std::nullopt, "location", ""},
                      {"global", std::nullopt, "location", ""},
                      {"once", std::nullopt, "", ""},
                      {"optional", std::nullopt, "", ""}},
             .positional = {ArgType::String},
             .validate = validate_include,
             .run = run_include});
  r.command({.name = "return", .capability = "include", .run = [](Interpreter&, const Node&) { throw ReturnSignal{}; }});
  r.command({.name = "global",
             .capability = "include",
             .positional = {ArgType::StringList},
             .validate = validate_global,
             .run = [](Interpreter& in, const Node& n) {
               for (const auto& name : n.positional[0].strings) in.declare_global(name);
             }});
}

}  // namespace postamt::sieve::detail
