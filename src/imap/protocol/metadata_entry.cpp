// METADATA entry name rules (see metadata_entry.hpp; RFC 5464 §3.2).
#include "imap/protocol/metadata_entry.hpp"

namespace postamt::imap::protocol {

std::optional<std::string> canonical_entry(std::string_view name, bool scope_only) {
  if (name.empty() || name.size() > kMaxEntryName) return std::nullopt;
  std::string out;
  out.reserve(name.size());
  for (char ch : name) {
    auto c = static_cast<unsigned char>(ch);
    // RFC 5464 §3.2: no "*" "%", nothing non-ASCII, no control characters.
    if (c < 0x20 || c > 0x7e || c == '*' || c == '%') return std::nullopt;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : ch;
  }
  if (scope_only && (out == "/private" || out == "/shared")) return out;
  if (!(out.starts_with("/private/") || out.starts_with("/shared/"))) return std::nullopt;
  if (out.ends_with('/') || out.find("//") != std::string::npos) return std::nullopt;
  return out;
}

}  // namespace postamt::imap::protocol
