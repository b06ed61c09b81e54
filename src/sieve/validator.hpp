// Compile-time checks of a parsed script (RFC 5228 §2.10.6, §3.2, §8.2): known commands and tests,
// extensions required before use, argument types and counts, tag conflicts, comparators and
// match types, encoded-character decoding (RFC 5228 §2.4.2.4).
#pragma once
#include <set>
#include <string>
#include <vector>

#include "sieve/ast.hpp"
#include "sieve/registry.hpp"

namespace postamt::sieve::detail {

class Validator {
 public:
  Validator(const CompileOptions& options, Script& script) : options_(options), script_(script) {}
  // Checks and resolves every command in script.commands; returns the errors found.
  std::vector<Error> run();

  // For Spec::validate hooks:
  void error(int line, int column, std::string message);
  void error(const Node& n, std::string message) { error(n.line, n.column, std::move(message)); }
  void error(const Value& v, std::string message) { error(v.line, v.column, std::move(message)); }
  bool uses(const std::string& capability) const { return script_.uses(capability); }
  // A string with no variable reference (constant even when "variables" is in use).
  bool constant(const std::string& s) const;
  const CompileOptions& options() const { return options_; }

 private:
  void block(std::vector<Node>& commands, bool top_level);
  void node(Node& n, const Spec& spec);
  void resolve_arguments(Node& n, const Spec& spec);
  void resolve_match(Node& n);
  void decode_strings(Node& n);

  const CompileOptions& options_;
  Script& script_;
  std::vector<Error> errors_;
};

}  // namespace postamt::sieve::detail
