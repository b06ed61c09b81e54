// Message flags (RFC 9051 §2.3.2): system flags in canonical spelling, keywords as atoms; the sets are
// stored as one space-separated text column in the index.
#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace postamt::store {

constexpr std::size_t kMaxFlagLength = 256;
constexpr std::size_t kMaxFlags = 256;  // per message

// Validates and canonicalises: "\seen" -> "\Seen"; keywords are atoms (RFC 9051 §9 flag-keyword).
// "\Recent" cannot be set by anyone (RFC 3501 §2.3.2) and is dropped. Duplicates (case-insensitive)
// are removed; the result is sorted. Throws store::Error naming the bad flag.
std::vector<std::string> normalize_flags(std::span<const std::string> flags);

std::string join_flags(const std::vector<std::string>& flags);
std::vector<std::string> split_flags(std::string_view stored);

enum class FlagOp { Add, Remove, Replace };
// The new (normalised, sorted) set after applying `change` to `current`.
std::vector<std::string> apply_flags(const std::vector<std::string>& current, const std::vector<std::string>& change,
                                     FlagOp op);

}  // namespace postamt::store
