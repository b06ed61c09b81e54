// MIME message model and entry points: RFC 5322 header sections, RFC 2045/2046 parts with byte
// offsets, RFC 2047/2231 decoding, and the IMAP ENVELOPE / BODYSTRUCTURE strings (RFC 3501 §7.4.2).
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace postamt::mime {

struct Limits {
  std::size_t max_depth = 32;              // nesting of multipart / message/rfc822 below the root
  std::size_t max_parts = 10000;           // parts in the whole tree, root included
  std::size_t max_header_bytes = 1 << 20;  // one header section, blank line included
};

// One Content-Type / Content-Disposition parameter. `value` is decoded: quotes removed, RFC 2231
// continuations joined and charset'lang'%XX values converted to UTF-8. RFC 2047 encoded-words in
// values (a common violation) are left as they are; see attachment_name().
struct Param {
  std::string name;                // lower-cased
  std::string value;
  bool extended = false;           // came from RFC 2231 `name*=` / `name*0*=` syntax
  std::string language;            // RFC 2231 language tag, if any
};

struct Part {
  // byte offsets into the raw message (the string passed to parse):
  std::size_t header_begin = 0, header_end = 0;  // header section [begin,end) incl. the blank line separator
  std::size_t body_begin = 0, body_end = 0;      // body [begin,end)
  std::size_t body_lines = 0;                    // lines in the body (IMAP BODYSTRUCTURE line count)
  std::string type = "text", subtype = "plain";  // lower-cased; RFC 2045 §5.2 defaults (message/rfc822 in multipart/digest)
  std::vector<Param> params;                     // Content-Type parameters
  std::string encoding = "7bit";                 // Content-Transfer-Encoding, lower-cased
  std::string id, description, md5;              // Content-ID, Content-Description, Content-MD5 (raw)
  std::string disposition;                       // lower-cased disposition type ("inline", "attachment"), "" if none
  std::vector<Param> disposition_params;
  std::vector<std::string> language;             // Content-Language tags
  std::string location;                          // Content-Location (folding whitespace removed)
  std::vector<Part> children;  // multipart/* parts, or exactly one for message/rfc822 (the encapsulated message)

  // Multipart only: preamble [body_begin, preamble_end) and epilogue [epilogue_begin, body_end).
  std::size_t preamble_end = 0, epilogue_begin = 0;

  bool is_multipart() const { return type == "multipart"; }
  bool is_message() const;  // message/rfc822 or message/global with an encapsulated message (children.size() == 1)
  const Param* param(std::string_view name) const;               // Content-Type parameter, case-insensitive
  const Param* disposition_param(std::string_view name) const;   // Content-Disposition parameter
};

enum class Defect {
  MissingBoundary,        // multipart without boundary parameter, or no delimiter line found
  UnterminatedMultipart,  // no close delimiter "--boundary--"
  BadHeaderLine,          // continuation line without a field before it
  EightBitHeader,         // 8-bit bytes in a header section
  BadEncodedWord,         // malformed RFC 2047 word (bad base64/Q, unknown charset) in a message header
  DepthLimit,             // fatal
  PartLimit,              // fatal
  HeaderTooBig,           // fatal
  NoHeaderBodySeparator,  // a non-header line ended the header section without a blank line
};
std::string_view defect_name(Defect d);

struct Message {
  Part root;
  std::vector<Defect> defects;  // each kind recorded at most once
  bool fatal = false;
  std::string fatal_reason;
  bool has(Defect d) const;
};

// Never throws on bad input: tolerant of real-world breakage (defects recorded); `fatal` only when a
// Limit is exceeded (depth/parts/header size) — delivery refuses such mail with fatal_reason.
// Lines may end in CRLF or bare LF. Recursion-free: nesting is handled with an explicit work list.
Message parse(std::string_view raw, const Limits& limits = {});

// Header access on a part's header section: raw (unfolded) value of the first field `name` (case-insensitive).
std::optional<std::string> header_value(std::string_view raw, const Part& part, std::string_view name);
std::vector<std::pair<std::string, std::string>> header_fields(std::string_view raw, const Part& part);  // name, unfolded raw value

// RFC 2047 encoded-words -> UTF-8 (charsets: utf-8, us-ascii, iso-8859-1/-15, windows-1252 built in,
// others through iconv; unknown -> left raw). Whitespace between adjacent encoded-words is dropped (§6.2).
std::string decode_words(std::string_view value);
// Same; sets *bad when a word was malformed or its charset unknown.
std::string decode_words(std::string_view value, bool* bad);

// The decoded file name of a part: Content-Disposition filename, else Content-Type name; RFC 2231
// and (non-standard but common) RFC 2047 decoded. nullopt when neither is present.
std::optional<std::string> attachment_name(const Part& part);

// IMAP strings, computed once at delivery and cached by the store (RFC 3501 §7.4.2 / RFC 9051 §7.5.2):
std::string envelope(std::string_view raw, const Message& m);  // "(date subject (from) ... message-id)"
std::string envelope(std::string_view raw, const Part& message_part);  // of any part's header section
std::string body_structure(std::string_view raw, const Message& m, bool extended);  // BODYSTRUCTURE (extended) or BODY
std::string body_structure(std::string_view raw, const Part& part, bool extended);

}  // namespace postamt::mime
