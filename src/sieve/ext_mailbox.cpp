// RFC 5490 §3.1 mailboxexists (fileinto :create, §3.2, is in core.cpp). The metadata tests (§3.3-3.5)
// are not implemented.
#include "sieve/interpreter.hpp"

namespace postamt::sieve::detail {

void add_mailbox(Registry& r) {
  r.test({.name = "mailboxexists",
          .capability = "mailbox",
          .positional = {ArgType::StringList},
          .eval = [](Interpreter& in, const Node& n) {
            for (const auto& m : in.list(n, 0))
              if (!in.env.mailbox_exists(m)) return false;
            return true;
          }});
}

}  // namespace postamt::sieve::detail
