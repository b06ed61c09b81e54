// Recursive-descent parser for the RFC 5228 §8.2 grammar, depth-bounded by max_nesting.
#include "sieve/parser.hpp"

namespace postamt::sieve::detail {
namespace {

struct Failure {
  Error error;
};

class Parser {
 public:
  Parser(const std::vector<Token>& t, std::size_t max_nesting, std::size_t max_list)
      : t_(t), max_nesting_(max_nesting), max_list_(max_list) {}

  std::vector<Node> script() {
    std::vector<Node> cmds;
    while (peek().kind != Token::Kind::End) cmds.push_back(command(0));
    return cmds;
  }

 private:
  const Token& peek() const { return t_[p_]; }
  const Token& take() {
    const Token& t = t_[p_];
    if (t.kind != Token::Kind::End) ++p_;
    return t;
  }
  [[noreturn]] void fail(const Token& t, std::string msg) { throw Failure{Error{t.line, t.column, std::move(msg)}}; }
  [[noreturn]] void unexpected(const Token& t, std::string_view expected) {
    std::string got(token_name(t.kind));
    if (t.kind == Token::Kind::Identifier) got += " '" + t.text + "'";
    fail(t, "expected " + std::string(expected) + ", found " + got);
  }
  void check_depth(const Token& t, std::size_t depth) {
    if (depth > max_nesting_) fail(t, "nesting too deep (limit " + std::to_string(max_nesting_) + ")");
  }

  Node command(std::size_t depth) {
    const Token& id = peek();
    if (id.kind != Token::Kind::Identifier) unexpected(id, "a command");
    check_depth(id, depth);
    take();
    Node n;
    n.name = id.text;
    n.line = id.line;
    n.column = id.column;
    arguments(n, depth);
    const Token& t = peek();
    if (t.kind == Token::Kind::Semicolon) {
      take();
    } else if (t.kind == Token::Kind::LBrace) {
      take();
      n.has_block = true;
      while (peek().kind != Token::Kind::RBrace) {
        if (peek().kind == Token::Kind::End) unexpected(peek(), "'}'");
        n.block.push_back(command(depth + 1));
      }
      take();
    } else {
      unexpected(t, "';' or '{'");
    }
    return n;
  }

  // arguments = *argument [ test / test-list ]
  void arguments(Node& n, std::size_t depth) {
    while (true) {
      const Token& t = peek();
      if (t.kind == Token::Kind::Tag) {
        Value v;
        v.kind = Value::Kind::Tag;
        v.tag = t.text;
        v.line = t.line;
        v.column = t.column;
        take();
        n.args.push_back(std::move(v));
      } else if (t.kind == Token::Kind::Number) {
        Value v;
        v.kind = Value::Kind::Number;
        v.number = t.number;
        v.line = t.line;
        v.column = t.column;
        take();
        n.args.push_back(std::move(v));
      } else if (t.kind == Token::Kind::String || t.kind == Token::Kind::LBracket) {
        n.args.push_back(string_list());
      } else {
        break;
      }
    }
    const Token& t = peek();
    if (t.kind == Token::Kind::Identifier) {
      n.tests.push_back(test(depth + 1));
    } else if (t.kind == Token::Kind::LParen) {
      take();
      n.test_list = true;
      while (true) {
        n.tests.push_back(test(depth + 1));
        if (n.tests.size() > max_list_) fail(t, "too many tests in a test list");
        const Token& sep = take();
        if (sep.kind == Token::Kind::RParen) break;
        if (sep.kind != Token::Kind::Comma) unexpected(sep, "',' or ')'");
      }
    }
  }

  Node test(std::size_t depth) {
    const Token& id = peek();
    if (id.kind != Token::Kind::Identifier) unexpected(id, "a test");
    check_depth(id, depth);
    take();
    Node n;
    n.name = id.text;
    n.line = id.line;
    n.column = id.column;
    arguments(n, depth);
    return n;
  }

  Value string_list() {
    const Token& first = take();
    Value v;
    v.line = first.line;
    v.column = first.column;
    if (first.kind == Token::Kind::String) {
      v.strings.push_back(first.text);
      return v;
    }
    v.bracketed = true;  // "[" string *("," string) "]"
    while (true) {
      const Token& s = take();
      if (s.kind != Token::Kind::String) unexpected(s, "a string");
      v.strings.push_back(s.text);
      if (v.strings.size() > max_list_) fail(s, "string list too long");
      const Token& sep = take();
      if (sep.kind == Token::Kind::RBracket) break;
      if (sep.kind != Token::Kind::Comma) unexpected(sep, "',' or ']'");
    }
    return v;
  }

  const std::vector<Token>& t_;
  std::size_t p_ = 0;
  std::size_t max_nesting_, max_list_;
};

}  // namespace

ParseResult parse(const std::vector<Token>& tokens, std::size_t max_nesting, std::size_t max_list_length) {
  ParseResult r;
  try {
    r.commands = Parser(tokens, max_nesting, max_list_length).script();
  } catch (const Failure& f) {
    r.errors.push_back(f.error);
  }
  return r;
}

}  // namespace postamt::sieve::detail
