// SMTP envelope addresses: Reverse-path / Forward-path / Mailbox (RFC 5321 §4.1.2, §4.1.3, length limits
// §4.5.3.1), UTF-8 local parts and domains under SMTPUTF8 (RFC 6531 §3.3), and the detectors a relay
// policy needs (source routes, the "%" hack, "!" paths, "@" inside a quoted local part).
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "smtp/protocol/error.hpp"

namespace postamt::smtp::protocol {

struct Mailbox {
  std::string local_part;  // a quoted-string's content is stored unquoted and unescaped
  std::string domain;      // a domain as sent (case kept), or an address literal with its brackets
  bool quoted = false;     // the local part was sent as a quoted-string
  bool address_literal = false;
  bool utf8 = false;  // local part or domain holds non-ASCII (RFC 6531)

  // local@domain in canonical form: the local part quoted only when it is not a Dot-string.
  std::string str() const;
};

struct Path {
  bool null = false;          // "<>" (reverse path only: bounces, RFC 5321 §4.5.5)
  bool postmaster = false;    // "<Postmaster>" without a domain (forward path only, RFC 5321 §4.1.1.3)
  bool source_route = false;  // "<@a,@b:user@d>": reported so policy can refuse; never silently dropped
  std::vector<std::string> route;  // the A-d-l domains, in order
  Mailbox mailbox;                 // empty for null and postmaster paths

  // "" for "<>", "postmaster" for "<Postmaster>", else mailbox.str() (the route is not included).
  std::string str() const;
};

enum class PathKind { Reverse, Forward };  // MAIL FROM / RCPT TO: decides "<>", "<Postmaster>", error codes

using PathResult = std::variant<Path, Error>;

// Parses a path that must start at text[0] with "<"; `consumed` receives the octets up to and including
// ">". Non-ASCII is accepted only with allow_utf8 (else NonAsciiAddress, 553 5.6.7).
PathResult parse_path_prefix(std::string_view text, PathKind kind, bool allow_utf8, std::size_t& consumed);
// The whole of `text` must be one path.
PathResult parse_path(std::string_view text, PathKind kind, bool allow_utf8);
// A bare "local@domain" (no angle brackets), e.g. the address inside ORCPT or AUTH=.
std::optional<Mailbox> parse_mailbox(std::string_view text, bool allow_utf8);

// RFC 5321 Domain (labels of letters, digits and inner hyphens, at most 63 octets each, 255 in all;
// U-labels when allow_utf8) and address-literal ("[192.0.2.1]", "[IPv6:2001:db8::1]", "[tag:content]").
bool is_domain(std::string_view text, bool allow_utf8);
bool is_address_literal(std::string_view text);
// Whether `text` is a Dot-string (RFC 5321 §4.1.2), i.e. a local part that needs no quoting.
bool is_dot_string(std::string_view text, bool allow_utf8);

// Relay-hack detectors for policy (they look at the local part whether it was quoted or not):
// "user%other@our.domain" (sendmail percent hack), "a!b@our.domain" (UUCP bang path),
// "\"user@other\"@our.domain" (an address inside the local part).
bool has_percent_hack(const Mailbox& mailbox);
bool has_bang_path(const Mailbox& mailbox);
bool has_at_in_local_part(const Mailbox& mailbox);
// Any of the above, or a source route.
bool has_relay_hack(const Path& path);

}  // namespace postamt::smtp::protocol
