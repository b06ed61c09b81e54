// SEARCH parsing: every key, RETURN options, CHARSET, "$", OR/NOT/parentheses, nesting limit.
#include "imap/protocol/search.hpp"

#include <gtest/gtest.h>

#include "imap/protocol/lexer.hpp"
#include "imap/protocol/limits.hpp"
#include "imap/protocol/parser.hpp"

namespace postamt::imap::protocol {
namespace {

using K = SearchKey::Kind;

ParseResult search(std::string_view args, Limits limits = {}) {
  return parse_command("SEARCH", args, limits);
}

Search ok(std::string_view args) {
  auto r = search(args);
  EXPECT_TRUE(r.ok()) << args << " -> " << r.error;
  return r.ok() ? std::get<Search>(*r.command) : Search{};
}

// Compact rendering of a key tree for table comparisons.
std::string show(const SearchKey& k) {
  std::string s;
  switch (k.kind) {
    case K::And: {
      s = "(";
      for (std::size_t i = 0; i < k.children.size(); ++i) s += (i ? " " : "") + show(k.children[i]);
      return s + ")";
    }
    case K::Not: return "NOT " + show(k.children[0]);
    case K::Or: return "OR " + show(k.children[0]) + " " + show(k.children[1]);
    case K::SequenceSet: return "SET:" + to_string(k.set);
    case K::Uid: return "UID:" + to_string(k.set);
    case K::Before: case K::On: case K::Since: case K::SentBefore: case K::SentOn: case K::SentSince:
      return std::string(search_key_name(k.kind)) + ":" + format_date(k.date);
    case K::Larger: case K::Smaller: case K::Older: case K::Younger:
      return std::string(search_key_name(k.kind)) + ":" + std::to_string(k.number);
    case K::ModSeq: return "MODSEQ:" + k.text + "/" + k.value + "/" + std::to_string(k.number);
    case K::Header: return "HDR:" + k.text + "=" + k.value;
    default:
      return std::string(search_key_name(k.kind)) + (k.text.empty() ? "" : ":" + k.text);
  }
}

struct Case {
  std::string args;
  std::string tree;
};

class SearchTable : public ::testing::TestWithParam<Case> {};
TEST_P(SearchTable, Tree) {
  auto s = ok(GetParam().args);
  EXPECT_EQ(show(s.criteria), GetParam().tree) << GetParam().args;
}

INSTANTIATE_TEST_SUITE_P(
    Search, SearchTable,
    ::testing::Values(
        Case{"ALL", "(ALL)"},
        Case{"FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"", "(FLAGGED SINCE:1-Feb-1994 NOT FROM:Smith)"},
        Case{"OR BODY foo (SUBJECT bar TO baz)", "(OR BODY:foo (SUBJECT:bar TO:baz))"},
        Case{"1:5,7 UID 10:* $", "(SET:1:5,7 UID:10:* SET:$)"},
        Case{"HEADER Message-ID <x@y>", "(HDR:Message-ID=<x@y>)"},
        Case{"LARGER 100 SMALLER 5000000000", "(LARGER:100 SMALLER:5000000000)"},
        Case{"BEFORE \"3-Mar-2020\" ON 29-Feb-2024 SENTBEFORE 1-Jan-2000 SENTON 1-Jan-2000 SENTSINCE 1-Jan-2000",
             "(BEFORE:3-Mar-2020 ON:29-Feb-2024 SENTBEFORE:1-Jan-2000 SENTON:1-Jan-2000 SENTSINCE:1-Jan-2000)"},
        Case{"MODSEQ 620162338", "(MODSEQ://620162338)"},
        Case{"MODSEQ \"/flags/\\\\draft\" all 620162338", "(MODSEQ:/flags/\\draft/all/620162338)"},
        Case{"KEYWORD $Junk UNKEYWORD $NotJunk", "(KEYWORD:$Junk UNKEYWORD:$NotJunk)"},
        Case{"EMAILID M6d99ac3275bb4e THREADID T64b478a75b7ea9", "(EMAILID:M6d99ac3275bb4e THREADID:T64b478a75b7ea9)"},
        Case{"YOUNGER 3600 OLDER 60", "(YOUNGER:3600 OLDER:60)"},
        Case{"not not seen", "(NOT NOT SEEN)"},
        Case{"ANSWERED DELETED DRAFT NEW OLD RECENT UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNSEEN",
             "(ANSWERED DELETED DRAFT NEW OLD RECENT UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNSEEN)"},
        Case{"BCC a CC b TEXT c", "(BCC:a CC:b TEXT:c)"}));

TEST(Search, KeyNames) {
  EXPECT_EQ(search_key_name(K::SentBefore), "SENTBEFORE");
  EXPECT_EQ(search_key_name(K::And), "AND");
  EXPECT_EQ(search_key_name(K::ModSeq), "MODSEQ");
}

TEST(Search, ReturnAndCharset) {
  auto s = ok("RETURN (MIN MAX COUNT SAVE ALL) CHARSET UTF-8 SUBJECT \"\xc3\xa4\"");
  ASSERT_TRUE(s.ret);
  EXPECT_TRUE(s.ret->min && s.ret->max && s.ret->count && s.ret->save && s.ret->all);
  EXPECT_EQ(s.charset, "UTF-8");
  EXPECT_EQ(s.criteria.children[0].text, "\xc3\xa4");
  auto e = ok("RETURN () ALL");
  ASSERT_TRUE(e.ret);
  EXPECT_FALSE(e.ret->min || e.ret->all);
  EXPECT_FALSE(ok("ALL").ret);
  EXPECT_EQ(ok("CHARSET \"us-ascii\" ALL").charset, "us-ascii");
  auto u = parse_command("UID", "SEARCH RETURN (COUNT) 1:*");
  ASSERT_TRUE(u.ok()) << u.error;
  EXPECT_TRUE(std::get<Search>(*u.command).uid);
}

struct Bad {
  std::string args;
  std::string reason;
};
class SearchReject : public ::testing::TestWithParam<Bad> {};
TEST_P(SearchReject, Reason) {
  auto r = search(GetParam().args);
  ASSERT_FALSE(r.ok()) << GetParam().args;
  EXPECT_NE(r.error.find(GetParam().reason), std::string::npos) << GetParam().args << " -> " << r.error;
}
INSTANTIATE_TEST_SUITE_P(
    Search, SearchReject,
    ::testing::Values(Bad{"FOO", "Unknown SEARCH key FOO"}, Bad{"(SEEN", "Missing ')' in SEARCH criteria"},
                      Bad{"()", "Empty parenthesised"}, Bad{"SEEN)", "Unexpected ')'"},
                      Bad{"OR SEEN", "Missing second search key after OR"}, Bad{"NOT", "Missing search key after NOT"},
                      Bad{"SINCE 30-Feb-2020", "Invalid date for SINCE"}, Bad{"SINCE yesterday", "Invalid date"},
                      Bad{"ON 1-Foo-2020", "Invalid date"}, Bad{"LARGER x", "Expected number"},
                      Bad{"LARGER 99999999999999999999", "Number too large"}, Bad{"UID", "Missing UID set"},
                      Bad{"RETURN (FOO) ALL", "Unknown SEARCH RETURN option FOO"},
                      Bad{"RETURN (MIN ALL", "Missing ')' in SEARCH RETURN options"},
                      Bad{"CHARSET", "Missing CHARSET name"}, Bad{"CHARSET UTF-8", "Missing SEARCH criteria"},
                      Bad{"SUBJECT", "Missing SUBJECT argument"}, Bad{"HEADER From", "Missing HEADER value"},
                      Bad{"MODSEQ \"/flags/\\\\seen\" bogus 5", "Invalid MODSEQ entry type"},
                      Bad{"MODSEQ \"/x\" all 5", "Invalid MODSEQ entry name"},
                      Bad{"EMAILID a.b", "Invalid object id"}, Bad{"1,2,$", "Invalid sequence set"},
                      Bad{"SEEN  UNSEEN", "Missing search key"}));

TEST(Search, DeepNestingIsAnErrorNotACrash) {
  for (const char* open : {"(", "NOT ", "OR ALL "}) {
    std::string args;
    for (int i = 0; i < 10000; ++i) args += open;
    args += "ALL";
    if (std::string(open) == "(") args += std::string(10000, ')');
    auto r = search(args);
    ASSERT_FALSE(r.ok()) << open;
    EXPECT_NE(r.error.find("nested too deeply"), std::string::npos) << r.error;
  }
}

TEST(Search, NestingWithinLimitIsAccepted) {
  Limits l;
  l.max_nesting = 20;
  std::string args = std::string(15, '(') + "SEEN" + std::string(15, ')');
  EXPECT_TRUE(search(args, l).ok());
  args = std::string(25, '(') + "SEEN" + std::string(25, ')');
  EXPECT_FALSE(search(args, l).ok());
}

}  // namespace
}  // namespace postamt::imap::protocol
