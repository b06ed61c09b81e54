// Mail addresses as the directory stores and looks them up: split, validate and normalise
// (RFC 5321 §4.1.2 Mailbox syntax, §4.5.3.1 size limits, §2.4 case rules).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace postamt::directory {

struct Address {
  std::string local;   // as written (quotes removed); empty for a catch-all "@domain"
  std::string domain;  // lower-cased, without a trailing dot
  std::string str() const { return local + "@" + domain; }
};

// RFC 5321 §4.5.3.1.1-3: local part 64 octets, domain 255 octets, path 256 octets.
inline constexpr std::size_t kMaxLocalPart = 64;
inline constexpr std::size_t kMaxDomain = 255;
inline constexpr std::size_t kMaxAddress = 254;

// A domain name: dot-separated LDH labels of 1..63 octets (RFC 5321 §4.1.2 Domain, RFC 1035 §2.3.1).
bool valid_domain(std::string_view domain);
// A dot-string local part (RFC 5321 §4.1.2 Dot-string): atext atoms separated by single dots.
bool valid_local_part(std::string_view local);

// Lower-cased domain with a trailing dot removed, or nullopt when it is not a valid domain.
std::optional<std::string> normalize_domain(std::string_view domain);

// Parses "local@domain" strictly for administration (dot-string local part, valid domain; the
// domain is lower-cased, the local part kept). Throws directory::DataError naming the problem.
// With allow_catch_all, "@domain" is accepted and gives an empty local part.
Address parse_address(std::string_view text, bool allow_catch_all = false);

// Parses an RFC 5321 recipient leniently for lookups: optional <>, quoted local parts
// (RFC 5321 §4.1.2 Quoted-string) unquoted, split at the last '@'. nullopt when malformed.
std::optional<Address> parse_recipient(std::string_view text);

}  // namespace postamt::directory
