// ManageSieve command syntax (RFC 5804 §1.2, §4): a command is an atom followed by atoms, numbers and
// strings (quoted, or literals "{n+}"/"{n}" that continue on the next line). Pure code, no I/O: the
// session feeds lines and literal bytes and gets a Command, a literal request or an error; every size
// is bounded.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace postamt::managesieve {

struct ParserLimits {
  std::size_t max_literal = 64 * 1024;       // octets of one literal (larger ones are refused)
  std::size_t max_discard = 8 * 1024 * 1024; // a refused non-synchronizing literal up to this is skipped
  std::size_t max_quoted = 1024;             // RFC 5804 §4 "quoted": at most 1024 octets between quotes
  std::size_t max_atom = 1024;               // RFC 5804 §4 "atom": 1*1024ATOM-CHAR
  std::size_t max_arguments = 8;             // no command takes more than 2; leaves room, bounds the rest
};

struct Argument {
  enum class Kind { Atom, Number, String };
  Kind kind = Kind::String;
  std::string text;          // the atom, the string's value, or the number's digits
  std::uint32_t number = 0;  // Kind::Number
  bool literal = false;      // the string came as a literal
};

struct Command {
  std::string name;  // upper-cased command atom; empty for a SASL client response (Mode::Response)
  std::vector<Argument> args;
};

// The next bytes the session must read: `size` octets of literal. A synchronizing literal ("{n}",
// sent by older clients) waits for a continuation from the server first. With `discard` the literal is
// too large: the session reads and drops it, then the command fails.
struct NeedLiteral {
  std::size_t size = 0;
  bool synchronizing = false;
  bool discard = false;
};

// The command is malformed. `fatal`: the stream cannot be resynchronised (a huge literal announced
// without waiting), so the session says BYE and closes.
struct ParseError {
  std::string message;
  bool fatal = false;
  bool too_large = false;  // a literal over max_literal (the script size limit: QUOTA/MAXSIZE)
};

class CommandParser {
 public:
  enum class Mode {
    Command,   // a command: atom, then arguments
    Response,  // a SASL client response (RFC 5804 §2.1): strings only, no command name
  };
  using Result = std::variant<Command, NeedLiteral, ParseError>;

  explicit CommandParser(ParserLimits limits = {}) : limits_(limits) {}

  // Starts a new command (or SASL response); forgets any half-read one.
  void begin(Mode mode);
  // One line without its CRLF: the start of the command, or its continuation after a literal.
  Result feed_line(std::string_view line);
  // The literal's bytes after NeedLiteral (empty for a discarded one); the command continues with
  // the next line, which the session passes to feed_line.
  void feed_literal(std::string bytes);

  const ParserLimits& limits() const { return limits_; }
  void set_max_literal(std::size_t n) { limits_.max_literal = n; }

 private:
  Result fail(std::string message, bool fatal = false, bool too_large = false);
  bool add(Argument arg);  // false: too many arguments

  ParserLimits limits_;
  Mode mode_ = Mode::Command;
  Command command_;
  bool have_name_ = false;
  bool literal_pending_ = false;     // feed_literal expected
  bool after_literal_ = false;       // the next line continues right after a literal
  std::string deferred_error_;       // a refused literal was skipped: fail at the end of the command
  bool deferred_too_large_ = false;
};

// The argument list shapes commands accept (checked by the session before calling a handler).
bool is_string(const Argument& a);
std::string_view kind_name(Argument::Kind k);

}  // namespace postamt::managesieve
