// The table of Sieve commands and tests: argument signatures for the validator and handlers for the
// interpreter. Each extension file contributes its entries through an add_* function.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sieve/ast.hpp"

namespace postamt::sieve::detail {

class Interpreter;
class Validator;

enum class ArgType { String, StringList, Number };

struct TagSpec {
  std::string name{};               // without ':'
  std::optional<ArgType> value{};   // the argument following the tag, if any
  std::string group{};              // tags of one group exclude each other ("" = none)
  std::string capability{};         // needed in require ("" = core)
};

struct Spec {
  std::string name{};
  std::string capability{};              // "" = core language
  std::vector<TagSpec> tags{};
  std::vector<ArgType> positional{};
  std::size_t min_positional = ~std::size_t{0};  // default: all positional arguments required
  bool optional_last = false;  // optional positionals are trailing (default: leading, e.g. hasflag)
  enum class Tests { None, One, List } tests = Tests::None;
  bool block = false;                    // takes a { } block (required when true, refused when false)
  bool match = false;                    // accepts COMPARATOR and MATCH-TYPE tags
  bool address_part = false;             // accepts ADDRESS-PART tags
  bool index = false;                    // accepts :index / :last (RFC 5260 §6)
  void (*validate)(Validator&, Node&) = nullptr;   // extra compile-time checks
  void (*run)(Interpreter&, const Node&) = nullptr;  // commands
  bool (*eval)(Interpreter&, const Node&) = nullptr; // tests
};

struct Registry {
  std::map<std::string, Spec> commands;
  std::map<std::string, Spec> tests;
  void command(Spec s) { commands.emplace(s.name, std::move(s)); }
  void test(Spec s) { tests.emplace(s.name, std::move(s)); }
};

const Registry& registry();

// Registration, one per file (core.cpp, ext_*.cpp):
void add_core(Registry& r);
void add_reject(Registry& r);
void add_variables(Registry& r);
void add_imap4flags(Registry& r);
void add_body(Registry& r);
void add_vacation(Registry& r);
void add_date(Registry& r);
void add_mailbox(Registry& r);
void add_duplicate(Registry& r);
void add_editheader(Registry& r);
void add_environment(Registry& r);
void add_include(Registry& r);
void add_spamtest(Registry& r);

}  // namespace postamt::sieve::detail
