// RFC 5322 §3.4 address-list parsing: name-addr, addr-spec, group ":" ... ";", comments as
// display names for "addr (Name)", obsolete routes "<@a,@b:u@d>" (§4.4).
#include "mime/address.hpp"

#include <cstddef>

namespace postamt::mime {
namespace {

constexpr std::size_t kMaxCommentNesting = 64;

struct Token {
  enum class T { Atom, Quoted, Comment, Literal, Special };
  T t;
  std::string text;  // unquoted / unescaped content; Special: the character
  std::string raw;   // as written (quoted strings keep their quotes)
};

bool is_special(char c) {
  switch (c) {
    case '(': case ')': case '<': case '>': case '[': case ']': case ':': case ';': case '@': case ',': case '"':
      return true;
    default:
      return false;
  }
}

// Length of an RFC 2047 encoded-word at the start of s, 0 if none. Such a word is kept whole even
// when it (illegally, §5) contains specials such as ':' — as real mail does.
std::size_t encoded_word_length(std::string_view s) {
  if (!s.starts_with("=?")) return 0;
  std::size_t q1 = s.find('?', 2);
  if (q1 == std::string_view::npos || q1 + 2 >= s.size() || s[q1 + 2] != '?') return 0;
  std::size_t end = s.find("?=", q1 + 3);
  if (end == std::string_view::npos) return 0;
  for (std::size_t k = 0; k < end; ++k)
    if (s[k] == ' ' || s[k] == '\t' || s[k] == '\r' || s[k] == '\n') return 0;
  return end + 2;
}

std::vector<Token> lex(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
    } else if (c == '"') {
      std::size_t b = i++;
      std::string text;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        text.push_back(s[i++]);
      }
      if (i < s.size()) ++i;
      out.push_back(Token{Token::T::Quoted, std::move(text), std::string(s.substr(b, i - b))});
    } else if (c == '(') {
      std::size_t depth = 0;
      std::string text;
      while (i < s.size()) {
        char ch = s[i++];
        if (ch == '\\' && i < s.size()) {
          text.push_back(s[i++]);
          continue;
        }
        if (ch == '(') {
          if (depth++ == 0) continue;
          if (depth > kMaxCommentNesting) depth = kMaxCommentNesting;
        } else if (ch == ')') {
          if (--depth == 0) break;
        }
        text.push_back(ch);
      }
      out.push_back(Token{Token::T::Comment, std::move(text), {}});
    } else if (c == '[') {
      std::size_t b = i;
      std::size_t e = s.find(']', i);
      i = e == std::string_view::npos ? s.size() : e + 1;
      std::string lit(s.substr(b, i - b));
      out.push_back(Token{Token::T::Literal, lit, lit});
    } else if (is_special(c)) {
      ++i;
      out.push_back(Token{Token::T::Special, std::string(1, c), std::string(1, c)});
    } else {
      std::size_t b = i;
      i += encoded_word_length(s.substr(i));
      while (i < s.size() && !is_special(s[i]) && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') ++i;
      std::string a(s.substr(b, i - b));
      out.push_back(Token{Token::T::Atom, a, a});
    }
  }
  return out;
}

class ListParser {
 public:
  explicit ListParser(std::vector<Token> toks) : t_(std::move(toks)) {}

  std::vector<Address> run() {
    while (i_ < t_.size()) entry();
    if (in_group_) out_.push_back(Address{Address::Kind::GroupEnd, {}, {}, {}, {}});
    return out_;
  }

 private:
  bool special(char c) const { return i_ < t_.size() && t_[i_].t == Token::T::Special && t_[i_].text[0] == c; }
  bool word_like() const { return i_ < t_.size() && t_[i_].t != Token::T::Special; }

  void entry() {
    std::vector<const Token*> words;
    std::string comment;
    while (word_like()) {
      if (t_[i_].t == Token::T::Comment) comment = t_[i_].text;
      else words.push_back(&t_[i_]);
      ++i_;
    }
    if (i_ >= t_.size() || special(',') || special(';')) {
      if (!words.empty()) {  // a bare word: local part without domain
        Address a;
        a.name = comment;
        for (auto* w : words) a.mailbox += w->raw;
        out_.push_back(std::move(a));
      }
      if (special(';') && in_group_) {
        out_.push_back(Address{Address::Kind::GroupEnd, {}, {}, {}, {}});
        in_group_ = false;
      }
      ++i_;
      return;
    }
    if (special(':')) {  // RFC 5322 §3.4 group
      ++i_;
      if (in_group_) return;  // nested groups do not exist; ignore
      out_.push_back(Address{Address::Kind::GroupStart, phrase(words), {}, {}, {}});
      in_group_ = true;
      return;
    }
    if (special('<')) {
      ++i_;
      angle_addr(phrase(words), comment);
      return;
    }
    if (special('@')) {  // addr-spec: the words were the local part
      ++i_;
      Address a;
      for (auto* w : words) a.mailbox += w->raw;
      a.host = domain();
      while (i_ < t_.size() && t_[i_].t == Token::T::Comment) comment = t_[i_++].text;
      if (special('<')) {  // "user@host <user@host>": what came first was the display name
        ++i_;
        angle_addr(a.mailbox + "@" + a.host, comment);
        return;
      }
      a.name = comment;
      out_.push_back(std::move(a));
      skip_to_separator();
      return;
    }
    ++i_;  // stray '>', ')' , ']' ...
  }

  static std::string phrase(const std::vector<const Token*>& words) {
    std::string s;
    for (auto* w : words) {
      if (!s.empty()) s.push_back(' ');
      s += w->text;
    }
    return s;
  }

  std::string domain() {
    std::string d;
    while (i_ < t_.size() && (t_[i_].t == Token::T::Atom || t_[i_].t == Token::T::Literal)) d += t_[i_++].raw;
    return d;
  }

  // After '<': [route ":"] local "@" domain ">"
  void angle_addr(std::string name, const std::string& comment) {
    Address a;
    if (special('@')) {  // RFC 5322 §4.4 obs-route
      while (i_ < t_.size() && !special(':') && !special('>')) a.route += t_[i_++].raw;
      if (special(':')) ++i_;
    }
    while (i_ < t_.size() && !special('@') && !special('>') && !special(',') && !special(';')) {
      if (t_[i_].t != Token::T::Comment) a.mailbox += t_[i_].raw;
      ++i_;
    }
    if (special('@')) {
      ++i_;
      a.host = domain();
    }
    std::string trailing;
    while (i_ < t_.size() && !special('>') && !special(',') && !special(';')) {
      if (t_[i_].t == Token::T::Comment) trailing = t_[i_].text;
      ++i_;
    }
    if (special('>')) ++i_;
    while (i_ < t_.size() && t_[i_].t == Token::T::Comment) trailing = t_[i_++].text;
    a.name = !name.empty() ? std::move(name) : !comment.empty() ? comment : trailing;
    if (!a.mailbox.empty() || !a.host.empty()) out_.push_back(std::move(a));
    skip_to_separator();
  }

  void skip_to_separator() {
    while (i_ < t_.size() && !special(',') && !special(';')) ++i_;
    if (special(',')) ++i_;
  }

  std::vector<Token> t_;
  std::size_t i_ = 0;
  bool in_group_ = false;
  std::vector<Address> out_;
};

}  // namespace

std::vector<Address> parse_address_list(std::string_view value) { return ListParser(lex(value)).run(); }

}  // namespace postamt::mime
