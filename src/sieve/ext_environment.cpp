// RFC 5183 environment test: items supplied by delivery in MessageContext::environment, with
// defaults for "name", "version" and "phase" (§4.1).
#include "common/strings.hpp"
#include "sieve/interpreter.hpp"

namespace postamt::sieve::detail {
namespace {

bool eval_environment(Interpreter& in, const Node& n) {
  std::string name = str::to_lower(in.arg(n, 0));
  std::vector<std::string> values;
  if (auto it = in.msg.environment.find(name); it != in.msg.environment.end()) {
    values.push_back(it->second);
  } else if (name == "name") {
    values.emplace_back("postamt");
  } else if (name == "version") {
    values.emplace_back("1.0");
  } else if (name == "phase") {
    values.emplace_back("during");
  }
  return in.match(n, values, in.list(n, 1));  // unknown item: no value, the test is false (§4)
}

}  // namespace

void add_environment(Registry& r) {
  r.test({.name = "environment",
          .capability = "environment",
          .positional = {ArgType::String, ArgType::StringList},
          .match = true,
          .eval = eval_environment});
}

}  // namespace postamt::sieve::detail
