// Script validation: RFC 5228 §3.2 (require first), §2.6 argument syntax, §2.7.3 comparators,
// §2.10.5 (unknown commands and extensions are errors at compile time).
#include "sieve/validator.hpp"

#include "common/strings.hpp"
#include "sieve/match.hpp"
#include "sieve/text.hpp"

namespace postamt::sieve::detail {
namespace {

const std::vector<TagSpec>& match_tags() {
  static const std::vector<TagSpec> t = {
      {"comparator", ArgType::String, "comparator", ""},
      {"is", std::nullopt, "match-type", ""},
      {"contains", std::nullopt, "match-type", ""},
      {"matches", std::nullopt, "match-type", ""},
      {"regex", std::nullopt, "match-type", "regex"},
      {"value", ArgType::String, "match-type", "relational"},
      {"count", ArgType::String, "match-type", "relational"},
  };
  return t;
}
const std::vector<TagSpec>& address_tags() {
  static const std::vector<TagSpec> t = {
      {"all", std::nullopt, "address-part", ""},
      {"localpart", std::nullopt, "address-part", ""},
      {"domain", std::nullopt, "address-part", ""},
      {"user", std::nullopt, "address-part", "subaddress"},
      {"detail", std::nullopt, "address-part", "subaddress"},
  };
  return t;
}
const std::vector<TagSpec>& index_tags() {
  static const std::vector<TagSpec> t = {
      {"index", ArgType::Number, "", "index"},
      {"last", std::nullopt, "", "index"},
  };
  return t;
}

std::string_view type_name(ArgType t) {
  switch (t) {
    case ArgType::String: return "a string";
    case ArgType::StringList: return "a string list";
    case ArgType::Number: return "a number";
  }
  return "?";
}

bool fits(const Value& v, ArgType t) {
  switch (t) {
    case ArgType::Number: return v.kind == Value::Kind::Number;
    case ArgType::StringList: return v.kind == Value::Kind::StringList;
    case ArgType::String: return v.kind == Value::Kind::StringList && v.strings.size() == 1;
  }
  return false;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

void Validator::error(int line, int column, std::string message) {
  if (errors_.size() < options_.max_errors) errors_.push_back(Error{line, column, std::move(message)});
}

bool Validator::constant(const std::string& s) const {
  return !script_.uses("variables") || s.find("${") == std::string::npos;
}

std::vector<Error> Validator::run() {
  block(script_.commands, true);
  return std::move(errors_);
}

void Validator::block(std::vector<Node>& commands, bool top_level) {
  const auto& reg = registry();
  bool requires_allowed = top_level;
  std::string previous;  // name of the previous command in this block
  for (auto& c : commands) {
    if (c.name == "require") {
      // RFC 5228 §3.2: require only at the start of the script.
      if (!requires_allowed) error(c, "require must come before any other command");
    } else {
      requires_allowed = false;
    }
    if ((c.name == "elsif" || c.name == "else") && previous != "if" && previous != "elsif")
      error(c, "'" + c.name + "' without a preceding 'if'");
    previous = c.name;
    auto it = reg.commands.find(c.name);
    if (it == reg.commands.end()) {
      if (reg.tests.count(c.name))
        error(c, "'" + c.name + "' is a test, not a command");
      else
        error(c, "unknown command '" + c.name + "'");
      continue;
    }
    node(c, it->second);
    if (c.name == "require" && c.positional.size() == 1) {
      for (const auto& cap : c.positional[0].strings) {
        bool enabled = options_.extensions.empty() ? supported_extensions().count(cap) != 0
                                                   : options_.extensions.count(cap) != 0 &&
                                                         supported_extensions().count(cap) != 0;
        if (!enabled)
          error(c.positional[0], "unsupported extension " + quoted(cap));
        else
          script_.required.insert(cap);
      }
      // RFC 6131 / RFC 5235 §3.2: vacation-seconds implies vacation, spamtestplus implies spamtest.
      if (script_.required.count("vacation-seconds")) script_.required.insert("vacation");
      if (script_.required.count("spamtestplus")) script_.required.insert("spamtest");
    }
  }
}

void Validator::node(Node& n, const Spec& spec) {
  const bool is_test = spec.eval != nullptr;
  if (!spec.capability.empty() && !script_.uses(spec.capability))
    error(n, std::string(is_test ? "test" : "command") + " '" + n.name + "' requires " + quoted(spec.capability) +
                 " in require");
  decode_strings(n);
  resolve_arguments(n, spec);
  resolve_match(n);
  if (spec.validate) spec.validate(*this, n);

  // Test arguments (RFC 5228 §2.6.3 / §8.2).
  switch (spec.tests) {
    case Spec::Tests::None:
      if (!n.tests.empty()) error(n.tests[0], "'" + n.name + "' takes no test");
      break;
    case Spec::Tests::One:
      if (n.tests.size() != 1 || n.test_list) error(n, "'" + n.name + "' needs exactly one test");
      break;
    case Spec::Tests::List:
      if (!n.test_list) error(n, "'" + n.name + "' needs a test list in parentheses");
      break;
  }
  const auto& reg = registry();
  for (auto& t : n.tests) {
    auto it = reg.tests.find(t.name);
    if (it == reg.tests.end()) {
      if (reg.commands.count(t.name))
        error(t, "'" + t.name + "' is a command, not a test");
      else
        error(t, "unknown test '" + t.name + "'");
      continue;
    }
    node(t, it->second);
  }
  if (!is_test) {
    if (spec.block && !n.has_block) error(n, "'" + n.name + "' needs a block { ... }");
    if (!spec.block && n.has_block) error(n, "'" + n.name + "' takes no block; expected ';'");
    if (n.has_block) block(n.block, false);
  }
}

void Validator::decode_strings(Node& n) {
  if (!script_.uses("encoded-character") || n.name == "require") return;
  for (auto& v : n.args) {
    for (auto& s : v.strings) {
      std::string err;
      auto d = decode_encoded_characters(s, &err);
      if (!d) {
        error(v, err);
        continue;
      }
      s = std::move(*d);
    }
  }
}

void Validator::resolve_arguments(Node& n, const Spec& spec) {
  std::vector<const TagSpec*> allowed;
  for (const auto& t : spec.tags) allowed.push_back(&t);
  if (spec.match)
    for (const auto& t : match_tags()) allowed.push_back(&t);
  if (spec.address_part)
    for (const auto& t : address_tags()) allowed.push_back(&t);
  if (spec.index)
    for (const auto& t : index_tags()) allowed.push_back(&t);

  std::map<std::string, std::string> groups_seen;  // group -> tag
  for (std::size_t i = 0; i < n.args.size(); ++i) {
    Value& v = n.args[i];
    if (v.kind != Value::Kind::Tag) {
      n.positional.push_back(v);
      continue;
    }
    if (!n.positional.empty()) {
      error(v, "tagged argument ':" + v.tag + "' after positional arguments");
      continue;
    }
    const TagSpec* ts = nullptr;
    for (const auto* a : allowed)
      if (a->name == v.tag) ts = a;
    if (!ts) {
      error(v, "unknown tagged argument ':" + v.tag + "' for '" + n.name + "'");
      continue;
    }
    if (!ts->capability.empty() && !script_.uses(ts->capability))
      error(v, "':" + v.tag + "' requires " + quoted(ts->capability) + " in require");
    if (n.tagged.count(v.tag)) {
      error(v, "':" + v.tag + "' given twice");
      continue;
    }
    if (!ts->group.empty()) {
      auto [it, fresh] = groups_seen.emplace(ts->group, v.tag);
      if (!fresh) error(v, "':" + v.tag + "' conflicts with ':" + it->second + "'");
    }
    if (ts->value) {
      if (i + 1 >= n.args.size() || !fits(n.args[i + 1], *ts->value)) {
        error(v, "':" + v.tag + "' needs " + std::string(type_name(*ts->value)));
        n.tagged.emplace(v.tag, v);
        continue;
      }
      n.tagged.emplace(v.tag, n.args[++i]);
    } else {
      n.tagged.emplace(v.tag, v);
    }
  }
  const std::size_t max = spec.positional.size();
  const std::size_t min = std::min(spec.min_positional, max);
  if (n.positional.size() < min || n.positional.size() > max) {
    std::string want = min == max ? std::to_string(max) : std::to_string(min) + " to " + std::to_string(max);
    error(n, "'" + n.name + "' takes " + want + " positional argument" + (max == 1 ? "" : "s") + ", found " +
                 std::to_string(n.positional.size()));
    return;
  }
  // Optional positional arguments are leading ones (e.g. hasflag [variable-list] key-list).
  std::size_t offset = spec.optional_last ? 0 : max - n.positional.size();
  for (std::size_t i = 0; i < n.positional.size(); ++i) {
    ArgType t = spec.positional[i + offset];
    if (!fits(n.positional[i], t))
      error(n.positional[i], "'" + n.name + "' argument " + std::to_string(i + 1) + " must be " +
                                 std::string(type_name(t)));
  }
  // Pad skipped optional arguments so handlers can index positionals by their full signature.
  if (offset) n.positional.insert(n.positional.begin(), offset, Value{});
  if (spec.optional_last) n.positional.resize(max);
}

void Validator::resolve_match(Node& n) {
  MatchSpec& m = n.match;
  if (const Value* c = n.tag("comparator"); c && c->kind == Value::Kind::StringList && !c->strings.empty()) {
    std::string name = str::to_lower(c->str());
    if (name == "i;octet") {
      m.comparator = Comparator::Octet;
    } else if (name == "i;ascii-casemap") {
      m.comparator = Comparator::AsciiCasemap;
    } else if (name == "i;ascii-numeric") {
      m.comparator = Comparator::AsciiNumeric;
      if (!script_.uses("comparator-i;ascii-numeric"))
        error(*c, "comparator \"i;ascii-numeric\" requires \"comparator-i;ascii-numeric\" in require");
    } else {
      error(*c, "unknown comparator " + quoted(c->str()));
    }
  }
  if (n.has("contains")) m.type = MatchType::Contains;
  if (n.has("matches")) m.type = MatchType::Matches;
  if (n.has("regex")) m.type = MatchType::Regex;
  for (const char* rel : {"value", "count"}) {
    const Value* r = n.tag(rel);
    if (!r || r->kind != Value::Kind::StringList || r->strings.empty()) continue;
    m.type = std::string(rel) == "value" ? MatchType::Value : MatchType::Count;
    std::string op = str::to_lower(r->str());  // RFC 5231 §4
    if (op == "gt") m.relation = Relation::Gt;
    else if (op == "ge") m.relation = Relation::Ge;
    else if (op == "lt") m.relation = Relation::Lt;
    else if (op == "le") m.relation = Relation::Le;
    else if (op == "eq") m.relation = Relation::Eq;
    else if (op == "ne") m.relation = Relation::Ne;
    else error(*r, "invalid relational operator " + quoted(r->str()) + " (gt, ge, lt, le, eq or ne)");
  }
  // RFC 4790 §9.1: i;ascii-numeric supports equality and ordering only, not substring matching.
  if (m.comparator == Comparator::AsciiNumeric &&
      (m.type == MatchType::Contains || m.type == MatchType::Matches || m.type == MatchType::Regex))
    error(n, "comparator \"i;ascii-numeric\" cannot be used with :" +
                 std::string(m.type == MatchType::Contains ? "contains" : m.type == MatchType::Matches ? "matches" : "regex"));
  // Constant regex keys are compiled now, so a bad pattern is an upload-time error.
  if (m.type == MatchType::Regex && !n.positional.empty()) {
    const Value& keys = n.positional.back();
    for (const auto& k : keys.strings) {
      std::string err;
      if (constant(k) && !regex_match("", k, m.comparator, nullptr, &err)) error(keys, err);
    }
  }
  if (n.has("localpart")) m.part = AddressPart::LocalPart;
  if (n.has("domain")) m.part = AddressPart::Domain;
  if (n.has("user")) m.part = AddressPart::User;
  if (n.has("detail")) m.part = AddressPart::Detail;
  if (const Value* ix = n.tag("index"); ix && ix->kind == Value::Kind::Number) {
    if (ix->number == 0) error(*ix, ":index counts from 1");
    m.index = ix->number;
  }
  if (n.has("last")) {
    if (!n.has("index") && n.name != "addheader" && n.name != "duplicate") error(*n.tag("last"), ":last needs :index");  // RFC 5260 §6
    m.last = true;
  }
}

}  // namespace postamt::sieve::detail
