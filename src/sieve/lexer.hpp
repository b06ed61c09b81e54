// Sieve lexical analysis (RFC 5228 §2.2–§2.4, §8.1): identifiers, tags, numbers with K/M/G, quoted
// strings with escapes, multi-line text: literals with dot-stuffing, hash and bracket comments.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sieve/sieve.hpp"

namespace postamt::sieve::detail {

struct Token {
  enum class Kind { Identifier, Tag, Number, String, LBracket, RBracket, LParen, RParen, LBrace, RBrace,
                    Comma, Semicolon, End };
  Kind kind = Kind::End;
  std::string text;          // identifier/tag name (tag without ':', lower-cased), string value
  std::uint64_t number = 0;
  int line = 1, column = 1;
};

std::string_view token_name(Token::Kind k);

struct LexResult {
  std::vector<Token> tokens;  // ends with an End token
  std::vector<Error> errors;  // non-empty: lexing failed at errors[0]
};

LexResult lex(std::string_view source, std::size_t max_string_length);

}  // namespace postamt::sieve::detail
