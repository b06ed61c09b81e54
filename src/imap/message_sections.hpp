// Extraction of FETCH body sections from a stored message using the MIME parser's byte offsets:
// BODY[section] with part numbers, HEADER, HEADER.FIELDS (.NOT), MIME and TEXT (RFC 9051 §6.4.5),
// and BINARY[section] / BINARY.SIZE transfer-decoding (RFC 3516 §4, RFC 2045 §6.7-§6.8).
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "imap/protocol/fetch.hpp"
#include "mime/message.hpp"

namespace postamt::imap {

// The bytes of `section`; nullopt when the part does not exist or the specifier does not apply
// (HEADER/TEXT of a part that is not message/rfc822, MIME of the whole message).
std::optional<std::string> section_bytes(std::string_view raw, const mime::Message& msg,
                                         const protocol::Section& section);

enum class DecodeStatus { Ok, NoPart, UnknownEncoding };
struct Decoded {
  DecodeStatus status = DecodeStatus::Ok;
  std::string data;
};
// BINARY[part]: the part's body with its Content-Transfer-Encoding removed.
Decoded binary_section(std::string_view raw, const mime::Message& msg, const std::vector<std::uint32_t>& part);

// Content-Transfer-Encoding decoders, tolerant of real-world breakage (bad characters skipped).
std::string decode_base64_lenient(std::string_view in);
std::string decode_quoted_printable(std::string_view in);

// Header lines of a header section whose field names are (or, with `exclude`, are not) in `names`
// (upper-case), followed by the empty line (RFC 9051 §6.4.5 HEADER.FIELDS).
std::string filter_header(std::string_view header, const std::vector<std::string>& names, bool exclude);

}  // namespace postamt::imap
