// SEARCH criteria as a tree, and its parser with a nesting bound. RFC 9051 §6.4.4 and §9
// (search-key, search-program, search-return-opts); RFC 4731 / RFC 5182 (RETURN, SAVE, "$");
// RFC 7162 §3.1.5 (MODSEQ); RFC 8474 §6 (EMAILID, THREADID); RFC 5032 (OLDER, YOUNGER).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "imap/protocol/date_time.hpp"
#include "imap/protocol/sequence_set.hpp"

namespace postamt::imap::protocol {

class Lexer;
struct Limits;

struct SearchKey {
  enum class Kind {
    And,  // parenthesised list / the top-level program: every child matches
    All, Answered, Deleted, Draft, Flagged, New, Old, Recent, Seen,
    Unanswered, Undeleted, Undraft, Unflagged, Unseen,
    Bcc, Body, Cc, From, Subject, Text, To,  // `text`
    Header,                                  // `text` = field name, `value`
    Keyword, Unkeyword,                      // `text` = flag keyword
    Before, On, Since, SentBefore, SentOn, SentSince,  // `date`
    Larger, Smaller,                         // `number`
    Older, Younger,                          // `number` seconds (RFC 5032)
    ModSeq,                                  // `number`; optional `text` entry name, `value` type
    EmailId, ThreadId,                       // `text` objectid
    Uid, SequenceSet,                        // `set`
    Not,                                     // children[0]
    Or,                                      // children[0], children[1]
  };
  Kind kind = Kind::All;
  std::string text;
  std::string value;
  std::uint64_t number = 0;
  Date date;
  SequenceSet set;
  std::vector<SearchKey> children;
};

struct SearchReturn {
  bool min = false, max = false, all = false, count = false, save = false;
};

struct Search {
  bool uid = false;
  std::optional<std::string> charset;
  // Set when "RETURN (...)" was given (ESEARCH form); RETURN () means ALL (RFC 4731 §3.1).
  std::optional<SearchReturn> ret;
  SearchKey criteria;  // Kind::And of the program's keys
};

// Upper-case keyword of a key kind ("SENTBEFORE"; "AND" for a list, "SET" for a sequence set).
std::string_view search_key_name(SearchKey::Kind kind);

// Parses [search-return-opts] SP search-program (the arguments after "SEARCH").
Search parse_search(Lexer& lex, const Limits& limits);

}  // namespace postamt::imap::protocol
