// Mailbox names (RFC 9051 §5.1): validation, INBOX case-insensitivity, hierarchy with '/'.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace postamt::store {

constexpr std::size_t kMaxMailboxNameLength = 1000;
constexpr std::size_t kMaxMailboxDepth = 32;

// For lookups: "inbox" -> "INBOX", "inbox/x" -> "INBOX/x"; everything else unchanged.
std::string lookup_name(std::string_view name);
// For creating: lookup_name() after validation (non-empty, no CTL, no % or *, no empty hierarchy
// component, bounded length and depth). Throws store::Error.
std::string valid_new_name(std::string_view name);
bool is_inbox(std::string_view canonical);
// Superior names, outermost first: "a/b/c" -> {"a", "a/b"}.
std::vector<std::string> superiors(std::string_view canonical);
// Valid SPECIAL-USE attribute (RFC 6154 §2) or "" ; returns the canonical spelling, throws store::Error.
std::string valid_special_use(std::string_view attribute);

}  // namespace postamt::store
