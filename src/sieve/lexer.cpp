// Sieve lexer (RFC 5228 §2.2 comments, §2.3 whitespace, §2.4.1 numbers, §2.4.2 strings, §8.1 grammar).
#include "sieve/lexer.hpp"

#include <limits>

namespace postamt::sieve::detail {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

class Lexer {
 public:
  Lexer(std::string_view s, std::size_t max_str) : s_(s), max_str_(max_str) {}

  LexResult run() {
    LexResult r;
    while (true) {
      if (!skip_space_and_comments()) break;
      if (p_ >= s_.size()) {
        r.tokens.push_back(make(Token::Kind::End));
        break;
      }
      if (!next_token(r.tokens)) break;
    }
    if (!error_.message.empty()) r.errors.push_back(error_);
    return r;
  }

 private:
  Token make(Token::Kind k) const {
    Token t;
    t.kind = k;
    t.line = line_;
    t.column = col_;
    return t;
  }
  void advance() {
    if (s_[p_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++p_;
  }
  bool fail(int line, int col, std::string msg) {
    error_ = Error{line, col, std::move(msg)};
    return false;
  }

  bool skip_space_and_comments() {
    while (p_ < s_.size()) {
      char c = s_[p_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        advance();
      } else if (c == '#') {  // §2.2 hash comment to end of line
        while (p_ < s_.size() && s_[p_] != '\n') advance();
      } else if (c == '/' && p_ + 1 < s_.size() && s_[p_ + 1] == '*') {  // §2.2 bracket comment, no nesting
        int l = line_, co = col_;
        advance();
        advance();
        while (true) {
          if (p_ + 1 >= s_.size()) return fail(l, co, "unterminated bracket comment");
          if (s_[p_] == '*' && s_[p_ + 1] == '/') {
            advance();
            advance();
            break;
          }
          advance();
        }
      } else {
        return true;
      }
    }
    return true;
  }

  bool next_token(std::vector<Token>& out) {
    char c = s_[p_];
    Token t = make(Token::Kind::End);
    switch (c) {
      case '[': t.kind = Token::Kind::LBracket; break;
      case ']': t.kind = Token::Kind::RBracket; break;
      case '(': t.kind = Token::Kind::LParen; break;
      case ')': t.kind = Token::Kind::RParen; break;
      case '{': t.kind = Token::Kind::LBrace; break;
      case '}': t.kind = Token::Kind::RBrace; break;
      case ',': t.kind = Token::Kind::Comma; break;
      case ';': t.kind = Token::Kind::Semicolon; break;
      default: break;
    }
    if (t.kind != Token::Kind::End) {
      advance();
      out.push_back(std::move(t));
      return true;
    }
    if (c == ':') {
      advance();
      if (p_ >= s_.size() || !is_alpha(s_[p_])) return fail(t.line, t.column, "expected a tag name after ':'");
      t.kind = Token::Kind::Tag;
      while (p_ < s_.size() && (is_alpha(s_[p_]) || is_digit(s_[p_]))) {
        t.text += lower(s_[p_]);
        advance();
      }
      out.push_back(std::move(t));
      return true;
    }
    if (is_digit(c)) return number(t, out);
    if (c == '"') return quoted(t, out);
    if (is_alpha(c)) {
      std::string word;
      while (p_ < s_.size() && (is_alpha(s_[p_]) || is_digit(s_[p_]))) {
        word += lower(s_[p_]);
        advance();
      }
      if (word == "text" && p_ < s_.size() && s_[p_] == ':') {  // §2.4.2 multi-line
        advance();
        return multiline(t, out);
      }
      t.kind = Token::Kind::Identifier;
      t.text = std::move(word);
      out.push_back(std::move(t));
      return true;
    }
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
      return fail(t.line, t.column, "unexpected character (byte " + std::to_string(static_cast<unsigned char>(c)) + ")");
    return fail(t.line, t.column, std::string("unexpected character '") + c + "'");
  }

  bool number(Token& t, std::vector<Token>& out) {
    std::uint64_t v = 0;
    constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
    while (p_ < s_.size() && is_digit(s_[p_])) {
      unsigned d = static_cast<unsigned>(s_[p_] - '0');
      if (v > (kMax - d) / 10) return fail(t.line, t.column, "number too large");
      v = v * 10 + d;
      advance();
    }
    if (p_ < s_.size()) {  // §2.4.1 quantifiers K, M, G (powers of 1024)
      int shift = 0;
      switch (lower(s_[p_])) {
        case 'k': shift = 10; break;
        case 'm': shift = 20; break;
        case 'g': shift = 30; break;
        default: break;
      }
      if (shift) {
        if (v > (kMax >> shift)) return fail(t.line, t.column, "number too large");
        v <<= shift;
        advance();
      }
    }
    if (p_ < s_.size() && (is_alpha(s_[p_]) || is_digit(s_[p_])))
      return fail(line_, col_, "invalid character in number");
    t.kind = Token::Kind::Number;
    t.number = v;
    out.push_back(std::move(t));
    return true;
  }

  bool quoted(Token& t, std::vector<Token>& out) {
    advance();  // opening quote
    std::string v;
    while (true) {
      if (p_ >= s_.size()) return fail(t.line, t.column, "unterminated string");
      char c = s_[p_];
      if (c == '"') {
        advance();
        break;
      }
      if (c == '\\') {  // §2.4.2: "\\" and "\"" are escapes; any other "\x" is just "x"
        advance();
        if (p_ >= s_.size()) return fail(t.line, t.column, "unterminated string");
        c = s_[p_];
      }
      v += c;
      advance();
      if (v.size() > max_str_) return fail(t.line, t.column, "string too long");
    }
    t.kind = Token::Kind::String;
    t.text = std::move(v);
    out.push_back(std::move(t));
    return true;
  }

  // After "text:": optional whitespace, optional hash comment, CRLF; then lines up to a line that
  // is a single "."; a leading ".." loses one dot (§2.4.2 dot-stuffing). Line ends become CRLF.
  bool multiline(Token& t, std::vector<Token>& out) {
    while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\t')) advance();
    if (p_ < s_.size() && s_[p_] == '#')
      while (p_ < s_.size() && s_[p_] != '\n') advance();
    if (p_ < s_.size() && s_[p_] == '\r') advance();
    if (p_ >= s_.size() || s_[p_] != '\n') return fail(line_, col_, "expected end of line after text:");
    advance();
    std::string v;
    while (true) {
      if (p_ >= s_.size()) return fail(t.line, t.column, "unterminated multi-line string (missing '.' line)");
      std::size_t eol = s_.find('\n', p_);
      std::size_t end = eol == std::string_view::npos ? s_.size() : eol;
      std::string_view line = s_.substr(p_, end - p_);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line == ".") {
        while (p_ < end) advance();
        if (p_ < s_.size()) advance();
        break;
      }
      if (line.size() >= 2 && line[0] == '.' && line[1] == '.') line.remove_prefix(1);
      v.append(line);
      v += "\r\n";
      if (v.size() > max_str_) return fail(t.line, t.column, "string too long");
      while (p_ < end) advance();
      if (p_ < s_.size()) advance();
    }
    t.kind = Token::Kind::String;
    t.text = std::move(v);
    out.push_back(std::move(t));
    return true;
  }

  std::string_view s_;
  std::size_t max_str_;
  std::size_t p_ = 0;
  int line_ = 1, col_ = 1;
  Error error_;
};

}  // namespace

std::string_view token_name(Token::Kind k) {
  switch (k) {
    case Token::Kind::Identifier: return "identifier";
    case Token::Kind::Tag: return "tag";
    case Token::Kind::Number: return "number";
    case Token::Kind::String: return "string";
    case Token::Kind::LBracket: return "'['";
    case Token::Kind::RBracket: return "']'";
    case Token::Kind::LParen: return "'('";
    case Token::Kind::RParen: return "')'";
    case Token::Kind::LBrace: return "'{'";
    case Token::Kind::RBrace: return "'}'";
    case Token::Kind::Comma: return "','";
    case Token::Kind::Semicolon: return "';'";
    case Token::Kind::End: return "end of script";
  }
  return "?";
}

LexResult lex(std::string_view source, std::size_t max_string_length) {
  return Lexer(source, max_string_length).run();
}

}  // namespace postamt::sieve::detail
