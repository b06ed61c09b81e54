// compile(): size limit, lexing, parsing, validation, and RFC 6609 include resolution (recursion
// bounded by max_include_depth; include loops are compile errors).
#include <algorithm>
#include <functional>
#include <vector>

#include "common/strings.hpp"
#include "sieve/lexer.hpp"
#include "sieve/parser.hpp"
#include "sieve/validator.hpp"

namespace postamt::sieve {
namespace {

using detail::Node;

void for_each_node(const std::vector<Node>& nodes, const std::function<void(const Node&)>& fn) {
  for (const auto& n : nodes) {
    fn(n);
    for_each_node(n.block, fn);
  }
}

std::vector<Error> compile_into(Script& script, std::string_view source, const CompileOptions& options,
                                std::size_t depth, std::vector<std::string>& chain);

void resolve_includes(Script& script, const CompileOptions& options, std::size_t depth,
                      std::vector<std::string>& chain, std::vector<Error>& errors) {
  for_each_node(script.commands, [&](const Node& n) {
    if (n.name != "include" || n.positional.empty() || n.positional[0].strings.empty()) return;
    const std::string& name = n.positional[0].str();
    const bool global = n.has("global");
    const std::string key = (global ? "g:" : "p:") + name;
    if (script.includes.count(key)) return;
    if (std::find(chain.begin(), chain.end(), key) != chain.end()) {
      errors.push_back({n.line, n.column, "include loop: script \"" + name + "\" includes itself"});
      return;
    }
    if (depth + 1 > options.max_include_depth) {
      errors.push_back({n.line, n.column, "includes nested too deeply (limit " + std::to_string(options.max_include_depth) + ")"});
      return;
    }
    std::optional<std::string> source;
    if (options.include_resolver) source = options.include_resolver(name, global);
    if (!source) {
      if (!n.has("optional") && options.missing_include_is_error)
        errors.push_back({n.line, n.column, "included script \"" + name + "\" does not exist"});
      script.includes[key] = nullptr;  // RFC 6609 §3.2: :optional skips it; otherwise a runtime error
      return;
    }
    auto sub = std::make_shared<Script>();
    sub->name = name;
    chain.push_back(key);
    auto sub_errors = compile_into(*sub, *source, options, depth + 1, chain);
    chain.pop_back();
    for (const auto& e : sub_errors)
      errors.push_back({n.line, n.column,
                        "in included script \"" + name + "\" at " + std::to_string(e.line) + ":" +
                            std::to_string(e.column) + ": " + e.message});
    script.includes[key] = sub_errors.empty() ? std::shared_ptr<const Script>(sub) : nullptr;
  });
}

std::vector<Error> compile_into(Script& script, std::string_view source, const CompileOptions& options,
                                std::size_t depth, std::vector<std::string>& chain) {
  if (source.size() > options.max_script_size)
    return {{1, 1, "script too large (" + std::to_string(source.size()) + " bytes, limit " +
                       std::to_string(options.max_script_size) + ")"}};
  auto lexed = detail::lex(source, options.max_string_length);
  if (!lexed.errors.empty()) return lexed.errors;
  auto parsed = detail::parse(lexed.tokens, options.max_nesting, options.max_list_length);
  if (!parsed.errors.empty()) return parsed.errors;
  script.commands = std::move(parsed.commands);
  detail::Validator v(options, script);
  auto errors = v.run();
  if (!errors.empty()) return errors;
  resolve_includes(script, options, depth, chain, errors);
  return errors;
}

}  // namespace

std::variant<std::shared_ptr<const Script>, std::vector<Error>> compile(std::string_view source,
                                                                         const CompileOptions& options) {
  auto script = std::make_shared<Script>();
  script->name = options.script_name;
  std::vector<std::string> chain{"p:" + options.script_name};
  auto errors = compile_into(*script, source, options, 0, chain);
  if (!errors.empty()) return errors;
  return std::shared_ptr<const Script>(std::move(script));
}

std::string format_errors(const std::vector<Error>& errors) {
  std::string out;
  for (const auto& e : errors)
    out += std::to_string(e.line) + ":" + std::to_string(e.column) + ": " + e.message + "\n";
  return out;
}

}  // namespace postamt::sieve
