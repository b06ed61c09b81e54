// FETCH attribute parser (see fetch.hpp). RFC 9051 §6.4.5, §6.4.5.1, §9; RFC 3516 §4.2;
// RFC 4466 §2.4 (fetch-modifiers); RFC 7162 §3.1.4.1, §3.2.6; RFC 8474 §5; RFC 8970 §3.
#include "imap/protocol/fetch.hpp"

#include "common/strings.hpp"
#include "imap/protocol/chars.hpp"
#include "imap/protocol/lexer.hpp"
#include "imap/protocol/limits.hpp"

namespace postamt::imap::protocol {
namespace {

using K = FetchAttribute::Kind;

// Attribute names run up to "[", "<", "(", ")", SP or the end.
std::string att_name(Lexer& lex) {
  std::string name;
  while (!lex.at_end()) {
    const char c = lex.peek();
    if (c == '[' || c == '<' || c == '(' || c == ')' || c == ' ' || !is_atom_char(c)) break;
    name.push_back(c);
    lex.try_char(c);
  }
  if (name.empty()) lex.error("Missing FETCH attribute");
  return str::to_upper(name);
}

std::vector<std::string> header_list(Lexer& lex, std::size_t max_items) {
  std::vector<std::string> fields;
  lex.expect('(', "'(' before header field list");
  do {
    std::string f = lex.astring("header field name");
    if (f.empty()) lex.error("Empty header field name");
    fields.push_back(str::to_upper(f));
    if (fields.size() > max_items) lex.error("Too many header field names");
  } while (!lex.list_end("header field list", "header field name"));
  return fields;
}

// section = "[" [section-spec] "]" (binary: only section-part). The "[" is already consumed.
Section parse_section(Lexer& lex, bool binary, std::size_t max_items) {
  Section s;
  if (lex.try_char(']')) return s;
  bool need_text = false;  // "1." must be followed by a section-text
  while (is_digit(lex.peek())) {
    s.part.push_back(lex.nz_number("section part number"));
    if (s.part.size() > 100) lex.error("Section part path too long");
    if (!lex.try_char('.')) break;
    if (!is_digit(lex.peek())) {
      if (binary) lex.error("BINARY sections take part numbers only");
      need_text = true;
      break;
    }
  }
  if (need_text || !lex.try_char(']')) {
    if (binary) lex.error("Missing ']' in BINARY section");
    // section-msgtext / "MIME" (MIME only after a part number: section-text)
    std::string word;
    while (!lex.at_end() && (is_alpha(lex.peek()) || lex.peek() == '.')) {
      word.push_back(lex.peek());
      lex.try_char(lex.peek());
    }
    word = str::to_upper(word);
    if (word == "HEADER") {
      s.text = Section::Text::Header;
    } else if (word == "TEXT") {
      s.text = Section::Text::Text;
    } else if (word == "MIME") {
      if (s.part.empty()) lex.error("MIME section needs a part number");
      s.text = Section::Text::Mime;
    } else if (word == "HEADER.FIELDS" || word == "HEADER.FIELDS.NOT") {
      s.text = word.size() == 13 ? Section::Text::HeaderFields : Section::Text::HeaderFieldsNot;
      lex.sp("header field list");
      s.fields = header_list(lex, max_items);
    } else {
      lex.error(word.empty() ? "Invalid section specification" : "Unknown section " + word);
    }
    lex.expect(']', "']' in BODY section");
  }
  return s;
}

std::optional<Partial> parse_partial(Lexer& lex) {
  if (!lex.try_char('<')) return std::nullopt;
  Partial p;
  p.offset = lex.number64("partial offset");
  lex.expect('.', "'.' in partial range <offset.length>");
  p.length = lex.nz_number64("partial length");
  lex.expect('>', "'>' after partial range");
  return p;
}

void push(std::vector<FetchAttribute>& out, K kind) {
  FetchAttribute a;
  a.kind = kind;
  out.push_back(a);
}

void parse_att(Lexer& lex, std::vector<FetchAttribute>& out, std::size_t max_items) {
  const std::string name = att_name(lex);
  FetchAttribute a;
  if (name == "ENVELOPE") a.kind = K::Envelope;
  else if (name == "FLAGS") a.kind = K::Flags;
  else if (name == "INTERNALDATE") a.kind = K::InternalDate;
  else if (name == "RFC822") a.kind = K::Rfc822;
  else if (name == "RFC822.HEADER") a.kind = K::Rfc822Header;
  else if (name == "RFC822.SIZE") a.kind = K::Rfc822Size;
  else if (name == "RFC822.TEXT") a.kind = K::Rfc822Text;
  else if (name == "BODYSTRUCTURE") a.kind = K::BodyStructure;
  else if (name == "UID") a.kind = K::Uid;
  else if (name == "MODSEQ") a.kind = K::ModSeq;
  else if (name == "EMAILID") a.kind = K::EmailId;
  else if (name == "THREADID") a.kind = K::ThreadId;
  else if (name == "PREVIEW") {
    a.kind = K::Preview;
    // "PREVIEW" [SP "(" preview-mod *(SP preview-mod) ")"] (RFC 8970 §6)
    if (lex.rest().size() >= 2 && lex.rest()[0] == ' ' && lex.rest()[1] == '(') {
      lex.sp("PREVIEW modifiers");
      lex.try_char('(');
      do {
        const std::string mod = str::to_upper(lex.atom("PREVIEW modifier"));
        if (mod != "LAZY") lex.error("Unknown PREVIEW modifier " + mod);
        a.lazy = true;
      } while (!lex.list_end("PREVIEW modifiers", "PREVIEW modifier"));
    }
  } else if (name == "BODY" || name == "BODY.PEEK") {
    a.peek = name == "BODY.PEEK";
    if (lex.try_char('[')) {
      a.kind = K::BodySection;
      a.section = parse_section(lex, false, max_items);
      a.partial = parse_partial(lex);
    } else if (a.peek) {
      lex.error("BODY.PEEK needs a section, e.g. BODY.PEEK[]");
    } else {
      a.kind = K::Body;
    }
  } else if (name == "BINARY" || name == "BINARY.PEEK" || name == "BINARY.SIZE") {
    a.kind = name == "BINARY.SIZE" ? K::BinarySize : K::Binary;
    a.peek = name == "BINARY.PEEK";
    if (!lex.try_char('[')) lex.error(name + " needs a section, e.g. " + name + "[1]");
    a.section = parse_section(lex, true, max_items);
    if (a.kind == K::Binary) a.partial = parse_partial(lex);
  } else {
    lex.error("Unknown FETCH attribute " + name);
  }
  out.push_back(std::move(a));
}

}  // namespace

Fetch parse_fetch(Lexer& lex, const Limits& limits, bool uid) {
  Fetch f;
  f.uid = uid;
  if (lex.at_end()) lex.error("Missing sequence set");
  f.set = parse_sequence_set(lex);
  lex.sp("FETCH attributes");
  if (lex.try_char('(')) {
    if (lex.peek() == ')') lex.error("Empty FETCH attribute list");
    do {
      parse_att(lex, f.attributes, limits.max_list_items);
      if (f.attributes.size() > limits.max_list_items) lex.error("Too many FETCH attributes");
    } while (!lex.list_end("FETCH attribute list", "FETCH attribute"));
  } else if (lex.try_word("ALL")) {
    for (K k : {K::Flags, K::InternalDate, K::Rfc822Size, K::Envelope}) push(f.attributes, k);
  } else if (lex.try_word("FAST")) {
    for (K k : {K::Flags, K::InternalDate, K::Rfc822Size}) push(f.attributes, k);
  } else if (lex.try_word("FULL")) {
    for (K k : {K::Flags, K::InternalDate, K::Rfc822Size, K::Envelope, K::Body}) push(f.attributes, k);
  } else {
    parse_att(lex, f.attributes, limits.max_list_items);
  }
  if (lex.try_sp()) {
    // fetch-modifiers = SP "(" fetch-modifier *(SP fetch-modifier) ")" (RFC 4466 §2.4)
    lex.expect('(', "'(' before FETCH modifiers");
    do {
      const std::string mod = str::to_upper(lex.atom("FETCH modifier"));
      if (mod == "CHANGEDSINCE") {
        if (f.changed_since) lex.error("Duplicate CHANGEDSINCE");
        lex.sp("CHANGEDSINCE mod-sequence");
        f.changed_since = lex.nz_number64("CHANGEDSINCE mod-sequence");
      } else if (mod == "VANISHED") {
        if (!uid) lex.error("VANISHED is only allowed in UID FETCH");  // RFC 7162 §3.2.6
        f.vanished = true;
      } else {
        lex.error("Unknown FETCH modifier " + mod);
      }
    } while (!lex.list_end("FETCH modifiers", "FETCH modifier"));
    if (f.vanished && !f.changed_since) lex.error("VANISHED requires CHANGEDSINCE");
  }
  lex.expect_end("FETCH");
  return f;
}

std::string section_to_string(const Section& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.part.size(); ++i) {
    if (i) out.push_back('.');
    out += std::to_string(s.part[i]);
  }
  const bool dot = !s.part.empty() && s.text != Section::Text::None;
  if (dot) out.push_back('.');
  switch (s.text) {
    case Section::Text::None: break;
    case Section::Text::Header: out += "HEADER"; break;
    case Section::Text::Text: out += "TEXT"; break;
    case Section::Text::Mime: out += "MIME"; break;
    case Section::Text::HeaderFields:
    case Section::Text::HeaderFieldsNot:
      out += s.text == Section::Text::HeaderFields ? "HEADER.FIELDS (" : "HEADER.FIELDS.NOT (";
      for (std::size_t i = 0; i < s.fields.size(); ++i) {
        if (i) out.push_back(' ');
        out += s.fields[i];
      }
      out.push_back(')');
      break;
  }
  out.push_back(']');
  return out;
}

std::string response_name(const FetchAttribute& a) {
  std::string out;
  switch (a.kind) {
    case K::Envelope: return "ENVELOPE";
    case K::Flags: return "FLAGS";
    case K::InternalDate: return "INTERNALDATE";
    case K::Rfc822: return "RFC822";
    case K::Rfc822Header: return "RFC822.HEADER";
    case K::Rfc822Size: return "RFC822.SIZE";
    case K::Rfc822Text: return "RFC822.TEXT";
    case K::Body: return "BODY";
    case K::BodyStructure: return "BODYSTRUCTURE";
    case K::Uid: return "UID";
    case K::ModSeq: return "MODSEQ";
    case K::EmailId: return "EMAILID";
    case K::ThreadId: return "THREADID";
    case K::Preview: return "PREVIEW";
    case K::BinarySize: return "BINARY.SIZE" + section_to_string(a.section);
    case K::BodySection: out = "BODY"; break;  // responses never say .PEEK (RFC 9051 §7.5.2)
    case K::Binary: out = "BINARY"; break;
  }
  out += section_to_string(a.section);
  if (a.partial) out += "<" + std::to_string(a.partial->offset) + ">";
  return out;
}

}  // namespace postamt::imap::protocol
