// RFC 5235 spamtest, spamtestplus (:percent) and virustest; the values come from delivery, which
// computes them from the configured headers (MessageContext::spamtest_*/virustest_value).
#include "sieve/interpreter.hpp"

namespace postamt::sieve::detail {

void add_spamtest(Registry& r) {
  r.test({.name = "spamtest",
          .capability = "spamtest",
          .tags = {{"percent", std::nullopt, "", "spamtestplus"}},
          .positional = {ArgType::String},
          .match = true,
          .eval = [](Interpreter& in, const Node& n) {
            return in.match(n, {n.has("percent") ? in.msg.spamtest_percent : in.msg.spamtest_value}, in.list(n, 0));
          }});
  r.test({.name = "virustest",
          .capability = "virustest",
          .positional = {ArgType::String},
          .match = true,
          .eval = [](Interpreter& in, const Node& n) { return in.match(n, {in.msg.virustest_value}, in.list(n, 0)); }});
}

}  // namespace postamt::sieve::detail
