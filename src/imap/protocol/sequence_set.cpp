// Sequence-set parsing and formatting (see sequence_set.hpp). RFC 9051 §4.1.1, §9; RFC 5182.
#include "imap/protocol/sequence_set.hpp"

#include <algorithm>

#include "imap/protocol/lexer.hpp"

namespace postamt::imap::protocol {
namespace {

std::uint32_t seq_number(Lexer& lex) {
  if (lex.try_char('*')) return kStar;
  if (!(lex.peek() >= '0' && lex.peek() <= '9')) lex.error("Invalid sequence set");
  return lex.nz_number("sequence number");
}

}  // namespace

bool SequenceSet::uses_star() const {
  return std::any_of(ranges.begin(), ranges.end(),
                     [](const SeqRange& r) { return r.first == kStar || r.last == kStar; });
}

std::vector<SeqRange> SequenceSet::resolve(std::uint32_t star) const {
  std::vector<SeqRange> out;
  out.reserve(ranges.size());
  for (auto r : ranges) {
    if (r.first == kStar) r.first = star;
    if (r.last == kStar) r.last = star;
    if (r.first > r.last) std::swap(r.first, r.last);
    if (r.last == 0) continue;  // "*" of an empty mailbox
    if (r.first == 0) r.first = 1;
    out.push_back(r);
  }
  std::sort(out.begin(), out.end(), [](const SeqRange& a, const SeqRange& b) { return a.first < b.first; });
  std::vector<SeqRange> merged;
  for (const auto& r : out) {
    if (!merged.empty() && static_cast<std::uint64_t>(merged.back().last) + 1 >= r.first)
      merged.back().last = std::max(merged.back().last, r.last);
    else
      merged.push_back(r);
  }
  return merged;
}

bool SequenceSet::contains(std::uint32_t n, std::uint32_t star) const {
  for (auto r : ranges) {
    if (r.first == kStar) r.first = star;
    if (r.last == kStar) r.last = star;
    if (r.first > r.last) std::swap(r.first, r.last);
    if (n >= r.first && n <= r.last) return true;
  }
  return false;
}

SequenceSet parse_sequence_set(Lexer& lex, bool allow_saved) {
  SequenceSet set;
  if (lex.peek() == '$') {
    if (!allow_saved) lex.error("\"$\" is not allowed here");
    lex.try_char('$');
    set.saved = true;
    return set;
  }
  do {
    SeqRange r;
    r.first = r.last = seq_number(lex);
    if (lex.try_char(':')) r.last = seq_number(lex);
    set.ranges.push_back(r);
  } while (lex.try_char(','));
  return set;
}

std::optional<SequenceSet> parse_sequence_set(std::string_view text, bool allow_saved) {
  try {
    Lexer lex(text);
    auto set = parse_sequence_set(lex, allow_saved);
    if (!lex.at_end()) return std::nullopt;
    return set;
  } catch (const SyntaxError&) {
    return std::nullopt;
  }
}

std::string to_string(const SequenceSet& set) {
  if (set.saved) return "$";
  std::string out;
  auto num = [&](std::uint32_t n) {
    if (n == kStar)
      out.push_back('*');
    else
      out += std::to_string(n);
  };
  for (std::size_t i = 0; i < set.ranges.size(); ++i) {
    if (i) out.push_back(',');
    num(set.ranges[i].first);
    if (set.ranges[i].last != set.ranges[i].first) {
      out.push_back(':');
      num(set.ranges[i].last);
    }
  }
  return out;
}

std::string format_sequence_set(std::vector<std::uint32_t> numbers) {
  std::sort(numbers.begin(), numbers.end());
  numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  std::string out;
  std::size_t i = 0;
  if (!numbers.empty() && numbers[0] == 0) i = 1;
  while (i < numbers.size()) {
    std::size_t j = i;
    while (j + 1 < numbers.size() && numbers[j + 1] == numbers[j] + 1) ++j;
    if (!out.empty()) out.push_back(',');
    out += std::to_string(numbers[i]);
    if (j > i) {
      out.push_back(':');
      out += std::to_string(numbers[j]);
    }
    i = j + 1;
  }
  return out;
}

}  // namespace postamt::imap::protocol
