// RFC 5232 imap4flags: setflag/addflag/removeflag on the internal flags variable or a named
// variable (§3), and the hasflag test (§4). :flags on keep/fileinto is handled in core.cpp.
#include "common/strings.hpp"
#include "sieve/interpreter.hpp"
#include "sieve/text.hpp"
#include "sieve/validator.hpp"

namespace postamt::sieve::detail {
namespace {

enum class Op { Set, Add, Remove };

bool has_variable(const Node& n) { return !n.positional.empty() && !n.positional[0].strings.empty(); }

void apply(Interpreter& in, const Node& n, Op op) {
  std::vector<std::string> current =
      has_variable(n) ? split_flags({in.get_var(n.positional[0].str())}) : in.flags();
  std::vector<std::string> given = split_flags(in.list(n, 1));
  if (op == Op::Set) {
    current = given;
  } else if (op == Op::Add) {
    current.insert(current.end(), given.begin(), given.end());
    current = split_flags(current);
  } else {
    std::vector<std::string> kept;
    for (auto& f : current) {
      bool drop = false;
      for (const auto& g : given) drop = drop || str::iequals(f, g);
      if (!drop) kept.push_back(std::move(f));
    }
    current = std::move(kept);
  }
  if (has_variable(n))
    in.set_var(n.positional[0].str(), join(current, " "));
  else
    in.flags() = std::move(current);
}

bool eval_hasflag(Interpreter& in, const Node& n) {
  std::vector<std::string> values;
  if (has_variable(n)) {
    std::vector<std::string> vars;
    for (const auto& name : n.positional[0].strings) vars.push_back(in.get_var(name));
    values = split_flags(vars);
  } else {
    values = in.flags();
  }
  return in.match(n, values, split_flags(in.list(n, 1)));
}

void validate_variable(Validator& v, Node& n) {
  if (has_variable(n) && !v.uses("variables"))
    v.error(n.positional[0], "a flag variable name needs \"variables\" in require");
}

Spec flag_command(const char* name, Op op) {
  Spec s{.name = name,
         .capability = "imap4flags",
         .positional = {ArgType::String, ArgType::StringList},
         .min_positional = 1,
         .validate = validate_variable};
  switch (op) {
    case Op::Set: s.run = [](Interpreter& in, const Node& n) { apply(in, n, Op::Set); }; break;
    case Op::Add: s.run = [](Interpreter& in, const Node& n) { apply(in, n, Op::Add); }; break;
    case Op::Remove: s.run = [](Interpreter& in, const Node& n) { apply(in, n, Op::Remove); }; break;
  }
  return s;
}

}  // namespace

void add_imap4flags(Registry& r) {
  r.command(flag_command("setflag", Op::Set));
  r.command(flag_command("addflag", Op::Add));
  r.command(flag_command("removeflag", Op::Remove));
  r.test({.name = "hasflag",
          .capability = "imap4flags",
          .positional = {ArgType::StringList, ArgType::StringList},
          .min_positional = 1,
          .match = true,
          .validate = validate_variable,
          .eval = eval_hasflag});
}

}  // namespace postamt::sieve::detail
