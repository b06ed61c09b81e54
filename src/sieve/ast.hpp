// The compiled Sieve script: commands and tests with their arguments (RFC 5228 §2.6, §8.2), plus
// what the validator resolved (tagged/positional arguments, match parameters, included scripts).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sieve/sieve.hpp"

namespace postamt::sieve {
namespace detail {

struct Value {
  enum class Kind { StringList, Number, Tag };
  Kind kind = Kind::StringList;
  std::vector<std::string> strings;  // StringList
  bool bracketed = false;            // written as [ ... ]
  std::uint64_t number = 0;          // Number
  std::string tag;                   // Tag name without ':'
  int line = 0, column = 0;
  const std::string& str() const { return strings.front(); }
};

// RFC 5228 §2.7 comparators, §2.7.1 match types, RFC 5231 relational, RFC 5233 address parts.
enum class Comparator { Octet, AsciiCasemap, AsciiNumeric };
enum class MatchType { Is, Contains, Matches, Regex, Value, Count };
enum class Relation { Gt, Ge, Lt, Le, Eq, Ne };
enum class AddressPart { All, LocalPart, Domain, User, Detail };

struct MatchSpec {
  Comparator comparator = Comparator::AsciiCasemap;  // §2.7.3 default
  MatchType type = MatchType::Is;
  Relation relation = Relation::Eq;
  AddressPart part = AddressPart::All;
  std::uint64_t index = 0;  // RFC 5260 §6: 1-based, 0 = all occurrences
  bool last = false;
};

struct Node {
  std::string name;  // lower-cased identifier
  int line = 0, column = 0;
  std::vector<Value> args;
  std::vector<Node> tests;   // a test argument or test-list
  std::vector<Node> block;   // commands in { }; has_block says whether braces were present
  bool has_block = false;
  bool test_list = false;    // tests came in ( … )
  // Resolved by the validator:
  std::map<std::string, Value> tagged;  // tag name (no ':') -> its value, or the Tag itself
  std::vector<Value> positional;
  MatchSpec match;
  bool has(const std::string& tag) const { return tagged.count(tag) != 0; }
  const Value* tag(const std::string& t) const {
    auto it = tagged.find(t);
    return it == tagged.end() ? nullptr : &it->second;
  }
};

}  // namespace detail

struct Script {
  std::vector<detail::Node> commands;
  std::set<std::string> required;  // capabilities named by require
  std::string name;
  // include (RFC 6609): "p:" or "g:" + name -> compiled script; nullptr = missing at compile time
  std::map<std::string, std::shared_ptr<const Script>> includes;
  bool uses(const std::string& capability) const { return required.count(capability) != 0; }
};

}  // namespace postamt::sieve
