// Sequence sets and UID sets: parsing ("2,4:7,9,12:*", "$"), membership, normalisation and compact
// formatting of number lists into ranges. RFC 9051 §4.1.1 and §9 (sequence-set, seq-range);
// RFC 5182 / RFC 9051 §6.4.4.1 ("$", the saved search result).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postamt::imap::protocol {

class Lexer;

// seq-number "*" is stored as kStar (nz-number is never 0).
inline constexpr std::uint32_t kStar = 0;

struct SeqRange {
  std::uint32_t first = 0;  // as sent; may be greater than last ("4:2" == "2:4")
  std::uint32_t last = 0;
  bool operator==(const SeqRange&) const = default;
};

struct SequenceSet {
  std::vector<SeqRange> ranges;
  bool saved = false;  // "$": the result of the last SEARCH RETURN (SAVE)

  bool uses_star() const;
  // Ascending, merged ranges with "*" replaced by `star` (largest number in use; RFC 9051 §9).
  std::vector<SeqRange> resolve(std::uint32_t star) const;
  bool contains(std::uint32_t n, std::uint32_t star) const;
  bool operator==(const SequenceSet&) const = default;
};

// Parses a sequence-set at the lexer position ("$" only when allow_saved).
SequenceSet parse_sequence_set(Lexer& lex, bool allow_saved = true);
// Whole-string variant; nullopt when `text` is not exactly one sequence-set.
std::optional<SequenceSet> parse_sequence_set(std::string_view text, bool allow_saved = true);

// "1:3,5,7:*" form of a set as parsed (ranges kept in order, "$" for saved).
std::string to_string(const SequenceSet& set);
// Compresses numbers (any order, duplicates allowed, 0 ignored) into "1:3,5,9:10".
std::string format_sequence_set(std::vector<std::uint32_t> numbers);

}  // namespace postamt::imap::protocol
