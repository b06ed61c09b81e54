// FETCH parsing: every attribute, sections, partials, macros, modifiers, and malformed forms.
#include "imap/protocol/fetch.hpp"

#include <gtest/gtest.h>

#include "imap/protocol/parser.hpp"

namespace postamt::imap::protocol {
namespace {

using K = FetchAttribute::Kind;

ParseResult fetch(std::string_view args, bool uid = false) {
  return uid ? parse_command("UID", "FETCH " + std::string(args)) : parse_command("FETCH", args);
}

Fetch ok(std::string_view args, bool uid = false) {
  auto r = fetch(args, uid);
  EXPECT_TRUE(r.ok()) << args << " -> " << r.error;
  return r.ok() ? std::get<Fetch>(*r.command) : Fetch{};
}

// Attributes as their response names, joined by SP (.PEEK shown as "!").
std::string names(const Fetch& f) {
  std::string s;
  for (const auto& a : f.attributes) {
    if (!s.empty()) s += ' ';
    s += response_name(a);
    if (a.peek) s += '!';
    if (a.lazy) s += "(LAZY)";
    if (a.partial) s += "." + std::to_string(a.partial->length);
  }
  return s;
}

struct Case {
  std::string args;
  std::string names;
};
class FetchTable : public ::testing::TestWithParam<Case> {};
TEST_P(FetchTable, Attributes) { EXPECT_EQ(names(ok(GetParam().args)), GetParam().names) << GetParam().args; }

INSTANTIATE_TEST_SUITE_P(
    Fetch, FetchTable,
    ::testing::Values(
        Case{"1 FLAGS", "FLAGS"}, Case{"1 ALL", "FLAGS INTERNALDATE RFC822.SIZE ENVELOPE"},
        Case{"1 fast", "FLAGS INTERNALDATE RFC822.SIZE"},
        Case{"1 FULL", "FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY"},
        Case{"1 (ENVELOPE FLAGS INTERNALDATE RFC822 RFC822.HEADER RFC822.SIZE RFC822.TEXT BODY BODYSTRUCTURE UID)",
             "ENVELOPE FLAGS INTERNALDATE RFC822 RFC822.HEADER RFC822.SIZE RFC822.TEXT BODY BODYSTRUCTURE UID"},
        Case{"1 BODY[]", "BODY[]"}, Case{"1 body.peek[]", "BODY[]!"},
        Case{"1 BODY[TEXT]<0.2048>", "BODY[TEXT]<0>.2048"},
        Case{"1 (BODY.PEEK[HEADER.FIELDS (From To \"Subject\")] BODY[1.2.MIME])",
             "BODY[HEADER.FIELDS (FROM TO SUBJECT)]! BODY[1.2.MIME]"},
        Case{"1 BODY[HEADER.FIELDS.NOT (Received)]", "BODY[HEADER.FIELDS.NOT (RECEIVED)]"},
        Case{"1 BODY[4.2.2.1.TEXT]<100.5>", "BODY[4.2.2.1.TEXT]<100>.5"},
        Case{"1 BODY[3]", "BODY[3]"}, Case{"1 BODY[2.HEADER]", "BODY[2.HEADER]"},
        Case{"1 (BINARY[1] BINARY.PEEK[1.2]<0.10> BINARY.SIZE[2] BINARY[])",
             "BINARY[1] BINARY[1.2]<0>!.10 BINARY.SIZE[2] BINARY[]"},
        Case{"1 (MODSEQ EMAILID THREADID PREVIEW)", "MODSEQ EMAILID THREADID PREVIEW"},
        Case{"1 (PREVIEW (LAZY) UID)", "PREVIEW(LAZY) UID"}, Case{"1 PREVIEW (LAZY)", "PREVIEW(LAZY)"}));

TEST(Fetch, SetAndModifiers) {
  auto f = ok("1:*,5 (FLAGS) (CHANGEDSINCE 12345 VANISHED)", true);
  EXPECT_TRUE(f.uid);
  EXPECT_EQ(to_string(f.set), "1:*,5");
  EXPECT_EQ(f.changed_since, 12345u);
  EXPECT_TRUE(f.vanished);
  auto g = ok("$ FLAGS (CHANGEDSINCE 1)");
  EXPECT_TRUE(g.set.saved);
  EXPECT_FALSE(g.vanished);
}

TEST(Fetch, HeaderFieldsSection) {
  auto f = ok("1 BODY.PEEK[HEADER.FIELDS (DATE FROM)]");
  ASSERT_EQ(f.attributes.size(), 1u);
  const auto& a = f.attributes[0];
  EXPECT_EQ(a.kind, K::BodySection);
  EXPECT_TRUE(a.peek);
  EXPECT_EQ(a.section.text, Section::Text::HeaderFields);
  EXPECT_EQ(a.section.fields, (std::vector<std::string>{"DATE", "FROM"}));
  EXPECT_TRUE(a.section.part.empty());
}

struct Bad {
  std::string args;
  std::string reason;
  bool uid = false;
};
class FetchReject : public ::testing::TestWithParam<Bad> {};
TEST_P(FetchReject, Reason) {
  auto r = fetch(GetParam().args, GetParam().uid);
  ASSERT_FALSE(r.ok()) << GetParam().args;
  EXPECT_NE(r.error.find(GetParam().reason), std::string::npos) << GetParam().args << " -> " << r.error;
}
INSTANTIATE_TEST_SUITE_P(
    Fetch, FetchReject,
    ::testing::Values(
        Bad{"1 (FLAGS UID", "Missing ')' in FETCH attribute list"}, Bad{"1 ()", "Empty FETCH attribute list"},
        Bad{"1 (FLAGS  UID)", "Missing FETCH attribute"}, Bad{"1 FOO", "Unknown FETCH attribute FOO"},
        Bad{"1", "Missing FETCH attributes"}, Bad{"1 BODY[TEXT", "Missing ']' in BODY section"},
        Bad{"1 BODY[FOO]", "Unknown section FOO"}, Bad{"1 BODY[MIME]", "MIME section needs a part number"},
        Bad{"1 BODY[0]", "Zero is not allowed"}, Bad{"1 BODY[1.]", "Invalid section"},
        Bad{"1 BODY[HEADER.FIELDS]", "Missing header field list"},
        Bad{"1 BODY[HEADER.FIELDS ()]", "Missing header field name"},
        Bad{"1 BODY[HEADER.FIELDS (FROM]", "Missing ')' in header field list"},
        Bad{"1 BODY[]<10>", "Missing '.' in partial"}, Bad{"1 BODY[]<1.0>", "Zero is not allowed"},
        Bad{"1 BODY[]<1.5", "Missing '>'"}, Bad{"1 BODY.PEEK", "BODY.PEEK needs a section"},
        Bad{"1 BINARY", "BINARY needs a section"}, Bad{"1 BINARY[HEADER]", "Missing ']' in BINARY section"},
        Bad{"1 BINARY[1.TEXT]", "part numbers only"}, Bad{"1 PREVIEW (FUZZY)", "Unknown PREVIEW modifier"},
        Bad{"1 FLAGS (CHANGEDSINCE)", "Missing CHANGEDSINCE mod-sequence"},
        Bad{"1 FLAGS (CHANGEDSINCE 1 VANISHED)", "VANISHED is only allowed in UID FETCH"},
        Bad{"1 FLAGS (VANISHED)", "VANISHED requires CHANGEDSINCE", true},
        Bad{"1 FLAGS (FOO)", "Unknown FETCH modifier FOO"}, Bad{"1 FLAGS (CHANGEDSINCE 1", "Missing ')' in FETCH modifiers"},
        Bad{"1 FLAGS extra", "'(' before FETCH modifiers"}));

TEST(Fetch, TooManyAttributesBounded) {
  std::string args = "1 (";
  for (int i = 0; i < 5000; ++i) args += "UID ";
  args += "UID)";
  auto r = fetch(args);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("Too many FETCH attributes"), std::string::npos);
}

}  // namespace
}  // namespace postamt::imap::protocol
