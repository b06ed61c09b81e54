// Incremental IMAP command framing: splits client bytes into commands (tag, name, raw arguments with
// their literals inline), asks for "+" continuations for synchronising literals and enforces Limits.
// RFC 9051 §2.2.1, §4.3, §7.5; RFC 7888 (LITERAL+/LITERAL-); RFC 3516 / RFC 4466 literal8 (~{n}).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "imap/protocol/limits.hpp"

namespace postamt::imap::protocol {

// Not enough bytes buffered yet: read more from the connection and feed() them.
struct NeedMore {};

// The client sent a synchronising literal header {n}: write "+ <text>\r\n", then keep feeding.
struct NeedContinuation {
  std::uint64_t literal_size = 0;
};

// One complete command. `name` is upper-cased; `args` is everything after "tag SP name SP" up to
// (not including) the final CRLF, literals inline exactly as sent ("{3}\r\nabc", "~{2+}\r\n..").
struct RawCommand {
  std::string tag;
  std::string name;
  std::string args;
};

// One line read with next_line() (AUTHENTICATE responses, IDLE's DONE), CRLF stripped.
struct Line {
  std::string text;
};

// A framing error. The session answers "<tag> BAD <text>" (or "* BAD <text>" when tag is empty).
// When `fatal` is set it answers "* BYE <text>" instead and closes the connection.
struct ReceiveError {
  std::string tag;
  std::string text;
  bool fatal = false;
};

using ReceiveEvent = std::variant<NeedMore, NeedContinuation, RawCommand, Line, ReceiveError>;

class Receiver {
 public:
  explicit Receiver(Limits limits = {});

  void feed(std::string_view bytes);
  // Next command (or NeedMore / NeedContinuation / ReceiveError). Never returns Line.
  ReceiveEvent next();
  // Next raw line outside command framing; call only between commands. Never returns RawCommand.
  ReceiveEvent next_line();
  // Drops every byte buffered but not yet consumed (after STARTTLS: CVE-2011-0411). Returns count.
  std::size_t discard_buffered();

  std::size_t buffered() const { return buf_.size() - pos_; }
  bool closed() const { return closed_; }
  // No command begun: nothing buffered, no partial line, literal or discarded rest.
  bool between_commands() const {
    return state_ == State::Line && first_line_ && line_.empty() && cmd_.empty() && !discarding_ && buffered() == 0;
  }
  const Limits& limits() const { return limits_; }
  void set_limits(const Limits& limits) { limits_ = limits; }

 private:
  enum class State { Line, Literal };
  ReceiveEvent step(bool line_mode);
  ReceiveEvent finish_line(bool line_mode);
  ReceiveEvent fail(std::string text, bool discard_rest);
  ReceiveEvent fatal(std::string text);
  void reset_command();
  void compact();
  std::string current_tag() const;

  Limits limits_;
  std::string buf_;
  std::size_t pos_ = 0;
  State state_ = State::Line;
  std::string cmd_;      // the command so far (lines + literals), when not discarding
  std::string line_;     // the current line segment (only its tail while discarding)
  std::size_t text_bytes_ = 0;
  std::uint64_t total_bytes_ = 0;
  std::uint64_t literal_left_ = 0;
  bool first_line_ = true;
  bool discarding_ = false;
  bool closed_ = false;
  std::string tag_;      // tag of the command in progress once known
  std::string name_;
  std::string fatal_text_;
};

}  // namespace postamt::imap::protocol
