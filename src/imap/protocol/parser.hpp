// Turns a RawCommand from the Receiver into a typed Command, or a human reason for "BAD".
// RFC 9051 §6 and §9, RFC 3501 §6 and §9, plus the extensions listed in command.hpp.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "imap/protocol/command.hpp"
#include "imap/protocol/limits.hpp"
#include "imap/protocol/receiver.hpp"

namespace postamt::imap::protocol {

struct ParseResult {
  std::optional<Command> command;
  std::string error;  // set when !command: "Missing ')' in FETCH attribute list"
  bool ok() const { return command.has_value(); }
};

// `name` upper-cased (as the Receiver gives it), `args` raw with literals inline.
ParseResult parse_command(std::string_view name, std::string_view args, const Limits& limits = {});
inline ParseResult parse_command(const RawCommand& raw, const Limits& limits = {}) {
  return parse_command(raw.name, raw.args, limits);
}

// RFC 9051 §6.3.13: the line that ends IDLE is "DONE" (case-insensitive).
bool is_idle_done(std::string_view line);
// RFC 9051 §6.2.2: a client response of "*" cancels AUTHENTICATE.
bool is_authenticate_cancel(std::string_view line);

// Parses a flag (\Seen, \Answered, keyword); system flags come back in canonical case.
std::string parse_flag(class Lexer& lex, bool allow_recent = false);
std::optional<StatusItem> status_item_from_name(std::string_view name);
std::string_view status_item_name(StatusItem item);

}  // namespace postamt::imap::protocol
