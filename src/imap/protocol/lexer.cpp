// Token reader over raw command arguments (see lexer.hpp). RFC 9051 §4.1-4.3, §9.
#include "imap/protocol/lexer.hpp"

#include "common/strings.hpp"
#include "imap/protocol/chars.hpp"
#include "imap/protocol/mutf7.hpp"

namespace postamt::imap::protocol {

bool Lexer::try_char(char c) {
  if (peek() == c && !at_end()) {
    ++pos_;
    return true;
  }
  return false;
}

void Lexer::expect(char c, std::string_view what) {
  if (!try_char(c)) error("Missing " + std::string(what));
}

void Lexer::sp(std::string_view what) {
  if (!try_char(' ')) {
    if (at_end() || peek() == ')' || peek() == ']') error("Missing " + std::string(what));
    error("Expected SP before " + std::string(what));
  }
}

void Lexer::expect_end(std::string_view command) {
  if (!at_end()) error("Unexpected extra arguments to " + std::string(command));
}

bool Lexer::list_end(std::string_view list, std::string_view item) {
  if (try_char(')')) return true;
  if (at_end()) error("Missing ')' in " + std::string(list));
  sp(item);
  return false;
}

bool Lexer::try_word(std::string_view word) {
  if (s_.size() - pos_ < word.size()) return false;
  if (!str::iequals(s_.substr(pos_, word.size()), word)) return false;
  const std::size_t after = pos_ + word.size();
  if (after < s_.size() && is_atom_char(s_[after])) return false;
  pos_ = after;
  return true;
}

std::string_view Lexer::atom(std::string_view what) {
  const std::size_t start = pos_;
  while (!at_end() && is_atom_char(s_[pos_])) ++pos_;
  if (pos_ == start) error("Missing " + std::string(what));
  return s_.substr(start, pos_ - start);
}

bool Lexer::at_literal() const {
  return peek() == '{' || (peek() == '~' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '{');
}

std::string Lexer::string(std::string_view what) {
  if (peek() == '"') return quoted(what);
  if (peek() == '{') return literal(what).data;
  error("Expected quoted string or literal for " + std::string(what));
}

StringValue Lexer::string8(std::string_view what) {
  if (peek() == '"') return StringValue{quoted(what), false};
  if (at_literal()) return literal(what);
  error("Expected string for " + std::string(what));
}

std::string Lexer::astring(std::string_view what) {
  if (peek() == '"' || peek() == '{') return string(what);
  const std::size_t start = pos_;
  while (!at_end() && is_astring_char(s_[pos_])) ++pos_;
  if (pos_ == start) error("Missing " + std::string(what));
  return std::string(s_.substr(start, pos_ - start));
}

std::optional<std::string> Lexer::nstring(std::string_view what) {
  if (try_word("NIL")) return std::nullopt;
  return string(what);
}

std::string Lexer::list_mailbox(std::string_view what) {
  if (peek() == '"' || peek() == '{') return string(what);
  const std::size_t start = pos_;
  while (!at_end() && is_list_char(s_[pos_])) ++pos_;
  if (pos_ == start) error("Missing " + std::string(what));
  return std::string(s_.substr(start, pos_ - start));
}

std::string Lexer::mailbox(std::string_view what) {
  std::string m = astring(what);
  // RFC 9051 §5.1: INBOX is case-insensitive; every case variant means INBOX.
  if (str::iequals(m, "INBOX")) m = "INBOX";
  return m;
}

// quoted = DQUOTE *QUOTED-CHAR DQUOTE; QUOTED-CHAR = TEXT-CHAR except quoted-specials /
// "\" quoted-specials / UTF8-2..4 (RFC 9051 §9). CR, LF and NUL can never appear.
std::string Lexer::quoted(std::string_view what) {
  ++pos_;  // opening DQUOTE
  std::string out;
  for (;;) {
    if (at_end()) error("Missing closing '\"' in " + std::string(what));
    const char c = s_[pos_++];
    if (c == '"') {
      // QUOTED-CHAR admits 8-bit octets only as well-formed UTF8-2/3/4 (RFC 9051 §9).
      if (!is_valid_utf8(out)) error("Invalid UTF-8 in quoted string for " + std::string(what));
      return out;
    }
    if (c == '\\') {
      if (at_end() || (s_[pos_] != '"' && s_[pos_] != '\\'))
        error("Invalid escape in quoted string for " + std::string(what));
      out.push_back(s_[pos_++]);
      continue;
    }
    if (c == '\r' || c == '\n' || c == '\0')
      error("Invalid character in quoted string for " + std::string(what));
    out.push_back(c);
  }
}

// literal = "{" number64 ["+"] "}" CRLF *CHAR8; literal8 = "~{" number64 ["+"] "}" CRLF *OCTET.
StringValue Lexer::literal(std::string_view what) {
  StringValue v;
  if (try_char('~')) v.literal8 = true;
  expect('{', "'{' of literal");
  const std::uint64_t n = digits("literal size", 9'223'372'036'854'775'807ull);
  try_char('+');
  expect('}', "'}' of literal");
  if (!try_char('\r') || !try_char('\n')) error("Literal header must end the line");
  if (n > s_.size() - pos_) error("Truncated literal");
  v.data.assign(s_.substr(pos_, static_cast<std::size_t>(n)));
  pos_ += static_cast<std::size_t>(n);
  // CHAR8 excludes NUL; only literal8 may carry it (RFC 3516 §4.4, RFC 9051 §4.3.1).
  if (!v.literal8 && v.data.find('\0') != std::string::npos)
    error("NUL octet in literal (use literal8 ~{n}) for " + std::string(what));
  return v;
}

std::uint64_t Lexer::digits(std::string_view what, std::uint64_t max) {
  const std::size_t start = pos_;
  std::uint64_t v = 0;
  while (!at_end() && is_digit(s_[pos_])) {
    const unsigned d = static_cast<unsigned>(s_[pos_] - '0');
    if (v > (max - d) / 10) error("Number too large for " + std::string(what));
    v = v * 10 + d;
    ++pos_;
  }
  if (pos_ == start) error("Expected number for " + std::string(what));
  return v;
}

std::uint32_t Lexer::number(std::string_view what) {
  return static_cast<std::uint32_t>(digits(what, 0xffffffffull));
}
std::uint32_t Lexer::nz_number(std::string_view what) {
  const auto v = number(what);
  if (v == 0) error("Zero is not allowed for " + std::string(what));
  return v;
}
std::uint64_t Lexer::number64(std::string_view what) {
  return digits(what, 9'223'372'036'854'775'807ull);
}
std::uint64_t Lexer::nz_number64(std::string_view what) {
  const auto v = number64(what);
  if (v == 0) error("Zero is not allowed for " + std::string(what));
  return v;
}

}  // namespace postamt::imap::protocol
