// Token reader over one command's raw arguments (literals inline): atoms, astrings, quoted strings,
// literals and literal8, numbers. Errors throw SyntaxError with a human reason for "BAD <reason>".
// RFC 9051 §4 (data formats), §9 (astring, string, quoted, literal, number, number64, nz-number).
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace postamt::imap::protocol {

class SyntaxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct StringValue {
  std::string data;
  bool literal8 = false;  // came as ~{n}
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : s_(text) {}

  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[pos_]; }
  std::size_t position() const { return pos_; }
  std::string_view rest() const { return s_.substr(pos_); }

  bool try_char(char c);
  void expect(char c, std::string_view what);  // "Missing <what>" on failure
  // Exactly one SP (RFC 9051 §9 note 2); `what` names what was expected after it.
  void sp(std::string_view what);
  bool try_sp() { return try_char(' '); }
  void expect_end(std::string_view command);
  // After an item of a parenthesised list: true when ")" follows (consumed); otherwise demands
  // SP before the next item ("Missing ')' in <list>" at the end of input).
  bool list_end(std::string_view list, std::string_view item);  // "Unexpected arguments after <command>"

  // Matches `word` case-insensitively when followed by a non-atom character or the end.
  bool try_word(std::string_view word);

  std::string_view atom(std::string_view what);        // 1*ATOM-CHAR
  std::string astring(std::string_view what);          // 1*ASTRING-CHAR / string
  std::string string(std::string_view what);           // quoted / literal
  StringValue string8(std::string_view what);          // quoted / literal / literal8
  std::optional<std::string> nstring(std::string_view what);
  std::string list_mailbox(std::string_view what);     // 1*list-char / string
  std::string mailbox(std::string_view what);          // astring, "INBOX" case-folded (§5.1)
  bool at_literal() const;                             // "{" or "~{" next

  std::uint32_t number(std::string_view what);         // 32-bit
  std::uint32_t nz_number(std::string_view what);
  std::uint64_t number64(std::string_view what);       // 63-bit
  std::uint64_t nz_number64(std::string_view what);

  [[noreturn]] void error(std::string text) const { throw SyntaxError(std::move(text)); }

 private:
  std::string quoted(std::string_view what);
  StringValue literal(std::string_view what);
  std::uint64_t digits(std::string_view what, std::uint64_t max);

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace postamt::imap::protocol
