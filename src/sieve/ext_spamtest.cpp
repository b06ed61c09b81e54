// RFC 5235 spamtest, spamtestplus (:percent) and virustest; the values come from delivery, which
// computes them from the configured headers (MessageContext::spamtest_*/virustest_value).
#include "sieve/interpreter.hpp"

namespace postamt::sieve::detail {
namespace {

// RFC 5235 §3.1: the normalised result is one value, except that a message that was not tested
// ("0") has none for :count, so `:count "eq" "0"` tells untested messages apart.
bool match_result(Interpreter& in, const Node& n, const std::string& value, const std::string& tested_value) {
  std::vector<std::string> values;
  if (n.match.type != MatchType::Count || tested_value != "0") values.push_back(value);
  return in.match(n, values, in.list(n, 0));
}

}  // namespace

void add_spamtest(Registry& r) {
  r.test({.name = "spamtest",
          .capability = "spamtest",
          .tags = {{"percent", std::nullopt, "", "spamtestplus"}},
          .positional = {ArgType::String},
          .match = true,
          .eval = [](Interpreter& in, const Node& n) {
            return match_result(in, n, n.has("percent") ? in.msg.spamtest_percent : in.msg.spamtest_value,
                                in.msg.spamtest_value);
          }});
  r.test({.name = "virustest",
          .capability = "virustest",
          .positional = {ArgType::String},
          .match = true,
          .eval = [](Interpreter& in, const Node& n) {
            return match_result(in, n, in.msg.virustest_value, in.msg.virustest_value);
          }});
}

}  // namespace postamt::sieve::detail
