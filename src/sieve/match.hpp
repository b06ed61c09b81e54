// Sieve comparators and match types: RFC 5228 §2.7 (:is, :contains, :matches with * ? and \ escapes),
// RFC 4790 §9 comparators (i;octet, i;ascii-casemap, i;ascii-numeric), RFC 5231 relational
// (:value, :count) and the regex match type (draft-ietf-sieve-regex, POSIX extended).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sieve/ast.hpp"

namespace postamt::sieve::detail {

constexpr std::size_t kMaxRegexLength = 1024;

// :matches; on success fills captures (0 = whole value, then one per wildcard), RFC 5229 §3.2.
bool glob_match(std::string_view value, std::string_view pattern, Comparator c, std::vector<std::string>* captures);
bool contains(std::string_view value, std::string_view key, Comparator c);
bool equals(std::string_view a, std::string_view b, Comparator c);
// Ordering per comparator: <0, 0, >0 (i;ascii-numeric: non-numbers are +infinity, RFC 4790 §9.1.1).
int compare(std::string_view a, std::string_view b, Comparator c);
bool relation_holds(int cmp, Relation r);

// Regex: nullopt when the pattern does not compile (message in *error).
std::optional<bool> regex_match(std::string_view value, const std::string& pattern, Comparator c,
                                std::vector<std::string>* captures, std::string* error);

// :quotewildcard (RFC 5229 §4.1.2): escapes *, ? and \ for :matches.
std::string quote_wildcard(std::string_view s);
std::string quote_regex(std::string_view s);

}  // namespace postamt::sieve::detail
