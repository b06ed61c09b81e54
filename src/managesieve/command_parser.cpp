// ManageSieve command parsing (RFC 5804 §1.2 and the §4 grammar: atom, number, quoted, literal-c2s).
#include "managesieve/command_parser.hpp"

#include <cctype>

#include "common/strings.hpp"

namespace postamt::managesieve {
namespace {

// RFC 5804 §4 ATOM-CHAR: "!" / %x23-27 / %x2A-5B / %x5D-7A / %x7C-7E (no specials, CTL, 8-bit).
bool atom_char(unsigned char c) {
  return c == '!' || (c >= 0x23 && c <= 0x27) || (c >= 0x2a && c <= 0x5b) || (c >= 0x5d && c <= 0x7a) ||
         (c >= 0x7c && c <= 0x7e);
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// RFC 5804 §4 number: (NZDIGIT *DIGIT) / "0", below 2^32.
bool parse_number(std::string_view s, std::uint64_t& out) {
  if (!all_digits(s) || s.size() > 10 || (s.size() > 1 && s[0] == '0')) return false;
  std::uint64_t v = 0;
  for (char c : s) v = v * 10 + static_cast<std::uint64_t>(c - '0');
  if (v > 0xffffffffULL) return false;
  out = v;
  return true;
}

}  // namespace

bool is_string(const Argument& a) { return a.kind == Argument::Kind::String; }

std::string_view kind_name(Argument::Kind k) {
  switch (k) {
    case Argument::Kind::Atom: return "atom";
    case Argument::Kind::Number: return "number";
    case Argument::Kind::String: return "string";
  }
  return "argument";
}

void CommandParser::begin(Mode mode) {
  mode_ = mode;
  command_ = Command{};
  have_name_ = mode == Mode::Response;
  literal_pending_ = false;
  after_literal_ = false;
  deferred_error_.clear();
  deferred_too_large_ = false;
}

CommandParser::Result CommandParser::fail(std::string message, bool fatal, bool too_large) {
  begin(mode_);
  return ParseError{std::move(message), fatal, too_large};
}

bool CommandParser::add(Argument arg) {
  if (command_.args.size() >= limits_.max_arguments) return false;
  command_.args.push_back(std::move(arg));
  return true;
}

void CommandParser::feed_literal(std::string bytes) {
  if (!literal_pending_) return;
  literal_pending_ = false;
  after_literal_ = true;
  if (!deferred_error_.empty()) return;  // a discarded literal: the command fails at its end
  Argument a;
  a.kind = Argument::Kind::String;
  a.text = std::move(bytes);
  a.literal = true;
  command_.args.push_back(std::move(a));  // counted against max_arguments when announced
}

CommandParser::Result CommandParser::feed_line(std::string_view line) {
  if (literal_pending_) return fail("Literal data missing");
  std::size_t i = 0;
  const std::size_t n = line.size();
  // Each token is preceded by SP, except the command name and the first token after a literal
  // (which must itself be SP or the end of the line).
  bool need_space = have_name_ && (!command_.args.empty() || after_literal_);
  if (mode_ == Mode::Response && command_.args.empty() && !after_literal_) need_space = false;
  after_literal_ = false;

  if (!have_name_) {
    while (i < n && atom_char(static_cast<unsigned char>(line[i]))) ++i;
    if (i == 0) return fail(n == 0 ? "Empty command" : "Command name expected");
    if (i > limits_.max_atom) return fail("Command name too long");
    command_.name = str::to_upper(line.substr(0, i));
    have_name_ = true;
    need_space = true;
  }

  while (true) {
    if (i == n) break;
    if (need_space) {
      if (line[i] != ' ') return fail("Expected a space between arguments");
      while (i < n && line[i] == ' ') ++i;  // tolerate extra spaces and trailing space
      if (i == n) break;
    }
    need_space = true;
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c == '"') {
      // RFC 5804 §4 quoted: *1024QUOTED-CHAR, QUOTED-CHAR = SAFE-UTF8-CHAR / "\" QUOTED-SPECIALS.
      std::string value;
      ++i;
      bool closed = false;
      while (i < n) {
        char ch = line[i++];
        if (ch == '"') {
          closed = true;
          break;
        }
        if (ch == '\\') {
          if (i == n || (line[i] != '"' && line[i] != '\\')) return fail("Invalid escape in quoted string");
          ch = line[i++];
        } else if (ch == '\0') {
          return fail("NUL in quoted string");
        }
        value += ch;
        if (value.size() > limits_.max_quoted) return fail("Quoted string too long (use a literal)");
      }
      if (!closed) return fail("Unterminated quoted string");
      Argument a;
      a.text = std::move(value);
      if (!add(std::move(a))) return fail("Too many arguments");
      continue;
    }
    if (c == '{') {
      // literal-c2s "{" number "+}" CRLF, or the synchronizing "{" number "}" CRLF; must end the line.
      std::size_t close = line.find('}', i);
      if (close == std::string_view::npos || close + 1 != n) return fail("Malformed literal");
      std::string_view inner = line.substr(i + 1, close - i - 1);
      bool sync = true;
      if (!inner.empty() && inner.back() == '+') {
        sync = false;
        inner.remove_suffix(1);
      }
      std::uint64_t size = 0;
      if (!parse_number(inner, size)) return fail("Malformed literal size");
      if (command_.args.size() >= limits_.max_arguments) {
        if (sync) return fail("Too many arguments");
        if (size > limits_.max_discard) return fail("Too many arguments", true);
        deferred_error_ = "Too many arguments";
      } else if (size > limits_.max_literal) {
        // Synchronizing: the client waits for us, so refuse now. Non-synchronizing: the bytes are on
        // their way; skip them when that is affordable, else the stream cannot be recovered.
        std::string why = "Literal too large (" + std::to_string(size) + " octets, the limit is " +
                          std::to_string(limits_.max_literal) + ")";
        if (sync) return fail(why, false, true);
        if (size > limits_.max_discard) return fail(why, true, true);
        deferred_error_ = why;
        deferred_too_large_ = true;
      }
      literal_pending_ = true;
      return NeedLiteral{static_cast<std::size_t>(size), sync, !deferred_error_.empty()};
    }
    // An atom or a number.
    std::size_t start = i;
    while (i < n && atom_char(static_cast<unsigned char>(line[i]))) ++i;
    if (i == start) return fail("Unexpected character in command");
    if (i - start > limits_.max_atom) return fail("Atom too long");
    std::string_view token = line.substr(start, i - start);
    if (mode_ == Mode::Response) return fail("A SASL response must be a string");
    Argument a;
    if (all_digits(token)) {
      std::uint64_t v = 0;
      if (!parse_number(token, v)) return fail("Invalid number");
      a.kind = Argument::Kind::Number;
      a.number = static_cast<std::uint32_t>(v);
    } else {
      a.kind = Argument::Kind::Atom;
    }
    a.text = std::string(token);
    if (!add(std::move(a))) return fail("Too many arguments");
  }

  if (!deferred_error_.empty()) return fail(deferred_error_, false, deferred_too_large_);
  Command done = std::move(command_);
  begin(mode_);
  return done;
}

}  // namespace postamt::managesieve
