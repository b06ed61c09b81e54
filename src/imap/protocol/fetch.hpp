// FETCH attributes and modifiers, and their parser. RFC 9051 §6.4.5 and §9 (fetch-att, section,
// partial); RFC 3516 (BINARY); RFC 7162 §3.1.4, §3.2.6 (MODSEQ, CHANGEDSINCE, VANISHED);
// RFC 8474 (EMAILID, THREADID); RFC 8970 (PREVIEW, LAZY); RFC 3501 §6.4.5 (RFC822.*).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "imap/protocol/sequence_set.hpp"

namespace postamt::imap::protocol {

class Lexer;
struct Limits;

struct Section {
  enum class Text { None, Header, HeaderFields, HeaderFieldsNot, Text, Mime };
  std::vector<std::uint32_t> part;  // "1.2.3" -> {1,2,3}; empty = whole message
  Text text = Text::None;
  std::vector<std::string> fields;  // HEADER.FIELDS (.NOT) names, upper-cased
  bool operator==(const Section&) const = default;
};

struct Partial {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;  // > 0
  bool operator==(const Partial&) const = default;
};

struct FetchAttribute {
  enum class Kind {
    Envelope, Flags, InternalDate, Rfc822, Rfc822Header, Rfc822Size, Rfc822Text,
    Body,           // BODY (non-extensible BODYSTRUCTURE)
    BodyStructure,
    BodySection,    // BODY[...] / BODY.PEEK[...]
    Binary,         // BINARY[...] / BINARY.PEEK[...]
    BinarySize,
    Uid, ModSeq, EmailId, ThreadId, Preview,
  };
  Kind kind = Kind::Flags;
  bool peek = false;     // BODY.PEEK / BINARY.PEEK
  bool lazy = false;     // PREVIEW (LAZY)
  Section section;
  std::optional<Partial> partial;
  bool operator==(const FetchAttribute&) const = default;
};

struct Fetch {
  bool uid = false;
  SequenceSet set;
  std::vector<FetchAttribute> attributes;  // macros ALL / FAST / FULL already expanded
  std::optional<std::uint64_t> changed_since;
  bool vanished = false;                   // UID FETCH only, with CHANGEDSINCE
};

// Parses sequence-set SP (macro / att / "(" att *(SP att) ")") [SP modifiers].
Fetch parse_fetch(Lexer& lex, const Limits& limits, bool uid);

// Response item name echoing the request: "BODY[HEADER.FIELDS (FROM TO)]<0>", "BINARY.SIZE[1]".
// The partial is shown as "<offset>" as RFC 9051 §7.5.2 requires in FETCH responses.
std::string response_name(const FetchAttribute& att);
std::string section_to_string(const Section& section);

}  // namespace postamt::imap::protocol
