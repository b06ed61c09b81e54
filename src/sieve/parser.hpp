// Sieve grammar (RFC 5228 §8.2): commands, arguments, string lists, tests, test lists, blocks.
// Purely syntactic; names and argument types are checked by the validator.
#pragma once
#include <vector>

#include "sieve/ast.hpp"
#include "sieve/lexer.hpp"

namespace postamt::sieve::detail {

struct ParseResult {
  std::vector<Node> commands;
  std::vector<Error> errors;  // the first syntax error, if any
};

ParseResult parse(const std::vector<Token>& tokens, std::size_t max_nesting, std::size_t max_list_length);

}  // namespace postamt::sieve::detail
