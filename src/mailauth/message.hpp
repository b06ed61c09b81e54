// A message as mail authentication sees it: line ends normalised to CRLF (RFC 5322 §2.1), the header
// fields with their exact raw bytes (folding kept, for DKIM "simple"), and the body. Bounded.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postamt::mailauth {

inline constexpr std::size_t kMaxHeaderBytes = 1 << 20;   // 1 MiB of header section
inline constexpr std::size_t kMaxHeaderFields = 2000;

struct HeaderField {
  std::string name;  // as written (case kept)
  std::string raw;   // "Name: value\r\n continuation" without the final CRLF
  std::string_view value() const;  // raw after the first ':'
};

struct Message {
  std::string text;  // whole message, CRLF line ends
  std::vector<HeaderField> fields;
  std::size_t body_begin = 0;
  std::string_view body() const { return std::string_view(text).substr(body_begin); }

  // Last field named `name` (case-insensitive), or nullptr.
  const HeaderField* last(std::string_view name) const;
  std::size_t count(std::string_view name) const;
};

// Parses a message; nullopt (and `error`) when the header section is too big or has too many fields.
std::optional<Message> parse_message(std::string_view raw, std::string* error = nullptr);

// The domain of the RFC5322.From address (lower case) if the message has exactly one From field with
// exactly one mailbox (RFC 7489 §6.6.1); nullopt otherwise.
std::optional<std::string> from_domain(const Message& m);

}  // namespace postamt::mailauth
