// RFC 5429: reject and ereject — refuse the message with a reason (delivery answers 550 during SMTP
// where it can, else sends an MDN/DSN); both cancel the implicit keep.
#include "sieve/interpreter.hpp"

namespace postamt::sieve::detail {
namespace {

void run(Interpreter& in, const Node& n, Action::Kind kind) {
  Action a;
  a.kind = kind;
  a.reason = in.arg(n, 0);
  in.add_action(std::move(a), n);
}

}  // namespace

void add_reject(Registry& r) {
  r.command({.name = "reject",
             .capability = "reject",
             .positional = {ArgType::String},
             .run = [](Interpreter& in, const Node& n) { run(in, n, Action::Kind::Reject); }});
  r.command({.name = "ereject",
             .capability = "ereject",
             .positional = {ArgType::String},
             .run = [](Interpreter& in, const Node& n) { run(in, n, Action::Kind::Ereject); }});
}

}  // namespace postamt::sieve::detail
