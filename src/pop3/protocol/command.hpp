// POP3 command line parser (RFC 1939 §3-§7, CAPA RFC 2449 §5, STLS RFC 2595 §4, AUTH RFC 5034 §4):
// one line (without CRLF) in, a Command or an Error out. Keywords are case-insensitive.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace postamt::pop3::protocol {

enum class Verb { User, Pass, Apop, Auth, Stls, Capa, Quit, Stat, List, Retr, Dele, Noop, Rset, Top, Uidl };

struct Command {
  Verb verb = Verb::Noop;
  std::optional<std::uint32_t> msg;  // LIST/UIDL (optional), RETR/DELE/TOP (required): 1..2^31-1
  std::uint32_t lines = 0;           // TOP: body lines, 0..2^31-1
  std::string name;                  // USER, APOP: the mailbox name
  std::string secret;                // PASS: the rest of the line, verbatim (it may contain spaces)
  std::string digest;                // APOP: 32 hex digits, lower-cased
  std::string mechanism;             // AUTH, upper-cased; empty for a bare "AUTH" (list mechanisms)
  std::optional<std::string> initial_response;  // AUTH: base64 as sent; "" for "=" (RFC 5034 §4)
};

enum class ErrorKind { LineTooLong, BadLineEnding, UnknownCommand, Syntax, BadNumber };

struct Error {
  ErrorKind kind;
  std::string text;  // for "-ERR <text>"
};

using ParseResult = std::variant<Command, Error>;

// `line` excludes its CRLF (a trailing CRLF is tolerated). At most kMaxCommandLine octets with CRLF.
ParseResult parse_command(std::string_view line);

// "USER", "RETR", ... (upper case).
std::string_view verb_name(Verb verb);

// "-ERR <text>\r\n" for a parse error.
std::string to_response(const Error& error);

}  // namespace postamt::pop3::protocol
