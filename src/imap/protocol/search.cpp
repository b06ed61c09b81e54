// SEARCH program parser (see search.hpp). RFC 9051 §6.4.4, §9; RFC 4731 §3.1; RFC 5182 §2;
// RFC 7162 §3.1.5; RFC 8474 §6; RFC 5032 §3.
#include "imap/protocol/search.hpp"

#include <array>
#include <string_view>
#include <utility>

#include "common/strings.hpp"
#include "imap/protocol/chars.hpp"
#include "imap/protocol/lexer.hpp"
#include "imap/protocol/limits.hpp"

namespace postamt::imap::protocol {
namespace {

using K = SearchKey::Kind;

enum class Arg { None, AString, Header, Keyword, Date, Number64, Seconds, ObjectId, Set };

struct KeyDef {
  std::string_view name;
  K kind;
  Arg arg;
};

constexpr std::array<KeyDef, 40> kKeys = {{
    {"ALL", K::All, Arg::None},           {"ANSWERED", K::Answered, Arg::None},
    {"DELETED", K::Deleted, Arg::None},   {"DRAFT", K::Draft, Arg::None},
    {"FLAGGED", K::Flagged, Arg::None},   {"NEW", K::New, Arg::None},
    {"OLD", K::Old, Arg::None},           {"RECENT", K::Recent, Arg::None},
    {"SEEN", K::Seen, Arg::None},         {"UNANSWERED", K::Unanswered, Arg::None},
    {"UNDELETED", K::Undeleted, Arg::None}, {"UNDRAFT", K::Undraft, Arg::None},
    {"UNFLAGGED", K::Unflagged, Arg::None}, {"UNSEEN", K::Unseen, Arg::None},
    {"BCC", K::Bcc, Arg::AString},        {"BODY", K::Body, Arg::AString},
    {"CC", K::Cc, Arg::AString},          {"FROM", K::From, Arg::AString},
    {"SUBJECT", K::Subject, Arg::AString}, {"TEXT", K::Text, Arg::AString},
    {"TO", K::To, Arg::AString},          {"HEADER", K::Header, Arg::Header},
    {"KEYWORD", K::Keyword, Arg::Keyword}, {"UNKEYWORD", K::Unkeyword, Arg::Keyword},
    {"BEFORE", K::Before, Arg::Date},     {"ON", K::On, Arg::Date},
    {"SINCE", K::Since, Arg::Date},       {"SENTBEFORE", K::SentBefore, Arg::Date},
    {"SENTON", K::SentOn, Arg::Date},     {"SENTSINCE", K::SentSince, Arg::Date},
    {"LARGER", K::Larger, Arg::Number64}, {"SMALLER", K::Smaller, Arg::Number64},
    {"OLDER", K::Older, Arg::Seconds},    {"YOUNGER", K::Younger, Arg::Seconds},
    {"EMAILID", K::EmailId, Arg::ObjectId}, {"THREADID", K::ThreadId, Arg::ObjectId},
    {"UID", K::Uid, Arg::Set},            {"NOT", K::Not, Arg::None},
    {"OR", K::Or, Arg::None},             {"MODSEQ", K::ModSeq, Arg::None},
}};

// date = date-text / DQUOTE date-text DQUOTE
Date search_date(Lexer& lex, std::string_view key) {
  std::string text;
  if (lex.peek() == '"') {
    text = lex.string("date");
  } else {
    text = std::string(lex.atom("date"));
  }
  auto d = parse_date(text);
  if (!d) lex.error("Invalid date for " + std::string(key) + " (expected e.g. 1-Feb-2024)");
  return *d;
}

// objectid = 1*255(ALPHA / DIGIT / "_" / "-") (RFC 8474 §7)
std::string object_id(Lexer& lex) {
  const std::string v = lex.astring("object id");
  if (v.size() > 255) lex.error("Object id too long");
  for (char c : v)
    if (!is_alpha(c) && !is_digit(c) && c != '_' && c != '-') lex.error("Invalid object id");
  return v;
}

SearchKey parse_key(Lexer& lex, const Limits& limits, std::size_t depth);

void parse_key_list(Lexer& lex, const Limits& limits, std::size_t depth, SearchKey& into,
                    bool parenthesised) {
  for (;;) {
    into.children.push_back(parse_key(lex, limits, depth));
    if (parenthesised && lex.peek() == ')') return;
    if (lex.at_end()) {
      if (parenthesised) lex.error("Missing ')' in SEARCH criteria");
      return;
    }
    if (!parenthesised && lex.peek() == ')') lex.error("Unexpected ')' in SEARCH criteria");
    lex.sp("search key");
  }
}

SearchKey parse_key(Lexer& lex, const Limits& limits, std::size_t depth) {
  if (depth > limits.max_nesting)
    lex.error("SEARCH criteria nested too deeply (limit " + std::to_string(limits.max_nesting) + ")");
  SearchKey key;
  if (lex.at_end()) lex.error("Missing search key");
  if (lex.try_char('(')) {
    key.kind = K::And;
    if (lex.peek() == ')') lex.error("Empty parenthesised SEARCH criteria");
    parse_key_list(lex, limits, depth + 1, key, true);
    lex.expect(')', "')' in SEARCH criteria");
    return key;
  }
  const char c = lex.peek();
  if (is_digit(c) || c == '*' || c == '$') {
    key.kind = K::SequenceSet;
    key.set = parse_sequence_set(lex);
    return key;
  }
  const std::string_view name = lex.atom("search key");
  const KeyDef* def = nullptr;
  for (const auto& d : kKeys)
    if (str::iequals(d.name, name)) def = &d;
  if (!def) lex.error("Unknown SEARCH key " + std::string(name));
  key.kind = def->kind;
  if (key.kind == K::Not) {
    lex.sp("search key after NOT");
    key.children.push_back(parse_key(lex, limits, depth + 1));
    return key;
  }
  if (key.kind == K::Or) {
    lex.sp("first search key after OR");
    key.children.push_back(parse_key(lex, limits, depth + 1));
    lex.sp("second search key after OR");
    key.children.push_back(parse_key(lex, limits, depth + 1));
    return key;
  }
  if (key.kind == K::ModSeq) {
    // "MODSEQ" [SP entry-name SP entry-type-req] SP mod-sequence-valzer (RFC 7162 §7)
    lex.sp("MODSEQ value");
    if (lex.peek() == '"') {
      key.text = lex.string("MODSEQ entry name");
      if (!str::istarts_with(key.text, "/flags/")) lex.error("Invalid MODSEQ entry name");
      lex.sp("MODSEQ entry type");
      key.value = str::to_lower(lex.atom("MODSEQ entry type"));
      if (key.value != "priv" && key.value != "shared" && key.value != "all")
        lex.error("Invalid MODSEQ entry type (priv, shared or all)");
      lex.sp("MODSEQ value");
    }
    key.number = lex.number64("MODSEQ value");
    return key;
  }
  const std::string upper = str::to_upper(name);
  switch (def->arg) {
    case Arg::None:
      break;
    case Arg::AString:
      lex.sp(upper + " argument");
      key.text = lex.astring(upper + " argument");
      break;
    case Arg::Header:
      lex.sp("HEADER field name");
      key.text = lex.astring("HEADER field name");
      lex.sp("HEADER value");
      key.value = lex.astring("HEADER value");
      break;
    case Arg::Keyword:
      lex.sp(upper + " keyword");
      key.text = std::string(lex.atom(upper + " keyword"));
      break;
    case Arg::Date:
      lex.sp(upper + " date");
      key.date = search_date(lex, upper);
      break;
    case Arg::Number64:
      lex.sp(upper + " size");
      key.number = lex.number64(upper + " size");
      break;
    case Arg::Seconds:
      lex.sp(upper + " interval");
      key.number = lex.nz_number(upper + " interval");
      break;
    case Arg::ObjectId:
      lex.sp(upper + " object id");
      key.text = object_id(lex);
      break;
    case Arg::Set:
      lex.sp("UID set");
      key.set = parse_sequence_set(lex);
      break;
  }
  return key;
}

SearchReturn parse_return(Lexer& lex) {
  SearchReturn r;
  lex.expect('(', "'(' after RETURN");
  if (lex.try_char(')')) return r;
  do {
    const std::string opt = str::to_upper(lex.atom("SEARCH RETURN option"));
    if (opt == "MIN") r.min = true;
    else if (opt == "MAX") r.max = true;
    else if (opt == "ALL") r.all = true;
    else if (opt == "COUNT") r.count = true;
    else if (opt == "SAVE") r.save = true;
    else lex.error("Unknown SEARCH RETURN option " + opt);
  } while (!lex.list_end("SEARCH RETURN options", "SEARCH RETURN option"));
  return r;
}

}  // namespace

std::string_view search_key_name(SearchKey::Kind kind) {
  if (kind == K::And) return "AND";
  if (kind == K::SequenceSet) return "SET";
  for (const auto& d : kKeys)
    if (d.kind == kind) return d.name;
  return "?";
}

Search parse_search(Lexer& lex, const Limits& limits) {
  Search s;
  if (lex.at_end()) lex.error("Missing SEARCH criteria");
  if (lex.try_word("RETURN")) {
    lex.sp("RETURN options");
    s.ret = parse_return(lex);
    lex.sp("SEARCH criteria");
  }
  if (lex.try_word("CHARSET")) {
    lex.sp("CHARSET name");
    // charset = atom / quoted
    s.charset = lex.peek() == '"' ? lex.string("charset") : std::string(lex.atom("charset"));
    lex.sp("SEARCH criteria");
  }
  s.criteria.kind = K::And;
  parse_key_list(lex, limits, 1, s.criteria, false);
  return s;
}

}  // namespace postamt::imap::protocol
