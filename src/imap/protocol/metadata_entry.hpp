// METADATA entry names (RFC 5464 §3.2): the syntax rules every command and the CLI apply before an
// entry name reaches the store, which keeps names only in this canonical (lower-case) form.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace postamt::imap::protocol {

inline constexpr std::size_t kMaxEntryName = 1024;
// Entry names in one GETMETADATA or SETMETADATA command.
inline constexpr std::size_t kMaxMetadataEntries = 100;

// "/private/..." or "/shared/..." with at least two components, no "//", no trailing "/", no "*" or
// "%", only ASCII 0x20..0x7e. Names are case-insensitive: returns the lower-cased name, or nullopt
// (the caller answers BAD, §3.2). `scope_only` also accepts "/private" and "/shared" alone, as the
// root of a GETMETADATA with DEPTH (its answer holds only the entries below).
std::optional<std::string> canonical_entry(std::string_view name, bool scope_only = false);

// True for a canonical "/private/..." name (one value per user); otherwise it is "/shared/...".
inline bool is_private_entry(std::string_view canonical) { return canonical.starts_with("/private"); }

}  // namespace postamt::imap::protocol
