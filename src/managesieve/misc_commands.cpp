// CAPABILITY (RFC 5804 §2.4), NOOP with its TAG response code (§2.13), LOGOUT (§2.3), and the argument
// checks all handlers share.
#include "managesieve/commands.hpp"
#include "managesieve/response.hpp"
#include "managesieve/session.hpp"

namespace postamt::managesieve {

void expect_arguments(const Command& c, std::size_t min, std::size_t max, std::string_view usage) {
  if (c.args.size() < min || c.args.size() > max)
    throw No{"Syntax: " + std::string(usage), {}, true};
}

const std::string& string_argument(const Command& c, std::size_t i, std::string_view usage) {
  if (i >= c.args.size() || !is_string(c.args[i]))
    throw No{"Syntax: " + std::string(usage) + " (arguments are quoted strings or literals)", {}, true};
  return c.args[i].text;
}

asio::awaitable<void> cmd_capability(Session& s, const Command& c) {
  expect_arguments(c, 0, 0, "CAPABILITY");
  s.send(s.capabilities());
  s.send(ok("Capability completed"));
  co_return;
}

asio::awaitable<void> cmd_noop(Session& s, const Command& c) {
  expect_arguments(c, 0, 1, "NOOP [<tag>]");
  if (c.args.empty()) {
    s.send(ok("NOOP completed"));
    co_return;
  }
  // §2.13: the TAG response code echoes the string (the client uses it to resynchronise).
  const std::string& tag = string_argument(c, 0, "NOOP [<tag>]");
  s.send(ok("Done", "TAG " + string_token(tag)));
}

asio::awaitable<void> cmd_logout(Session& s, const Command& c) {
  expect_arguments(c, 0, 0, "LOGOUT");
  // §2.3: OK, then the server closes the connection and ignores anything sent after LOGOUT.
  s.send(ok("Logout completed"));
  s.end();
  co_return;
}

}  // namespace postamt::managesieve
