// Named size limits of the SMTP protocol layer (RFC 5321 §4.5.3.1 and the line-length increases of the
// extensions we parse: RFC 1870, 3030, 3461 §5.4, 4954, 6531).
#pragma once
#include <cstddef>

namespace postamt::smtp::protocol {

// RFC 5321 §4.5.3.1.1-3 (octets, the path counts its angle brackets and separators).
inline constexpr std::size_t kMaxLocalPart = 64;
inline constexpr std::size_t kMaxDomain = 255;
inline constexpr std::size_t kMaxPath = 256;
// RFC 5321 §4.5.3.1.4: a command line is at most 512 octets including CRLF. AUTH stays under it
// (RFC 4954 §4: an initial response that does not fit is sent after an empty 334 instead).
inline constexpr std::size_t kMaxCommandLine = 512;
// MAIL and RCPT grow with their parameters: SIZE +26 (RFC 1870), BODY +16 (RFC 3030), SMTPUTF8 +10
// (RFC 6531), AUTH= +500 (RFC 4954), DSN at least 1036 in total (RFC 3461 §5.4). 2048 covers any mix.
inline constexpr std::size_t kMaxParameterLine = 2048;
// RFC 4954 §4: SASL responses after a 334 may be much longer than commands.
inline constexpr std::size_t kMaxAuthResponseLine = 12288;
// RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets including CRLF.
inline constexpr std::size_t kMaxReplyLine = 512;
// ESMTP parameters on one MAIL or RCPT (ours know 6 for MAIL, 2 for RCPT; more is an attack or a bug).
inline constexpr std::size_t kMaxParameters = 16;
// RFC 3461 §4.4 and §4.2: the encoded ENVID is at most 100 characters, ORCPT at most 500.
inline constexpr std::size_t kMaxEnvid = 100;
inline constexpr std::size_t kMaxOrcpt = 500;
// Source-route hops kept from an A-d-l before the path is refused (RFC 5321 §4.1.2; only a flag matters).
inline constexpr std::size_t kMaxRouteHops = 16;

}  // namespace postamt::smtp::protocol
