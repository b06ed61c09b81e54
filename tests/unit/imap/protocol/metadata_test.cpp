// GETMETADATA / SETMETADATA parsing (RFC 5464 §4.2, §4.3, §5): options before or after the mailbox,
// one entry or a list, values as quoted, literal, literal8 or NIL; entry names checked and folded
// (§3.2, BAD otherwise); bounded entry count. Fed through the Receiver as on the wire.
#include <gtest/gtest.h>

#include <string>

#include "imap/protocol/metadata_entry.hpp"
#include "imap/protocol/parser.hpp"
#include "parse_support.hpp"

using namespace std::string_literals;

namespace postamt::imap::protocol {
namespace {

using testing::get;
using testing::parse;

using Depth = GetMetadata::Depth;

TEST(MetadataEntry, CheckedAndFolded) {
  EXPECT_EQ(canonical_entry("/Shared/Comment"), "/shared/comment");
  EXPECT_EQ(canonical_entry("/private/vendor/x/y"), "/private/vendor/x/y");
  EXPECT_EQ(canonical_entry("/PRIVATE", true), "/private");
  for (const char* bad : {"/shared", "/private", "/shared/", "/other/comment", "/shared//x", "/shared/a*", "/shared/%",
                          "/shared/\x01", "shared/comment", "/shared/\xc3\xa9", "", "/sharedx/y"})
    EXPECT_FALSE(canonical_entry(bad)) << bad;
  EXPECT_FALSE(canonical_entry("/shared/", true));
  EXPECT_FALSE(canonical_entry("/shared/" + std::string(kMaxEntryName, 'a')));
  EXPECT_TRUE(is_private_entry("/private/comment"));
  EXPECT_FALSE(is_private_entry("/shared/comment"));
}

TEST(MetadataParser, GetForms) {
  auto g = get<GetMetadata>("GETMETADATA \"\" /shared/comment");
  EXPECT_EQ(g.mailbox, "");
  EXPECT_EQ(g.entries, std::vector<std::string>{"/shared/comment"});
  EXPECT_FALSE(g.max_size);
  EXPECT_EQ(g.depth, Depth::Zero);

  g = get<GetMetadata>("GETMETADATA inbox (/Shared/Comment /private/comment)");
  EXPECT_EQ(g.mailbox, "INBOX");
  EXPECT_EQ(g.entries, (std::vector<std::string>{"/shared/comment", "/private/comment"}));

  // RFC 5464 §5 grammar: options before the mailbox.
  g = get<GetMetadata>("GETMETADATA (MAXSIZE 1024 DEPTH infinity) INBOX (/shared)");
  EXPECT_EQ(g.max_size, std::optional<std::uint64_t>(1024));
  EXPECT_EQ(g.depth, Depth::Infinity);
  EXPECT_EQ(g.entries, std::vector<std::string>{"/shared"});
  // The RFC's examples (§4.2.1, §4.2.2) and Dovecot: options after the mailbox.
  g = get<GetMetadata>("GETMETADATA \"INBOX\" (depth 1) (/private/filters/values)");
  EXPECT_EQ(g.depth, Depth::One);
  EXPECT_EQ(g.entries, std::vector<std::string>{"/private/filters/values"});
  g = get<GetMetadata>("GETMETADATA \"Other Users/a@b/x\" (MAXSIZE 0) /private/comment");
  EXPECT_EQ(g.mailbox, "Other Users/a@b/x");
  EXPECT_EQ(g.max_size, std::optional<std::uint64_t>(0));
  // §4.4.1 example: several bare entries.
  g = get<GetMetadata>("GETMETADATA \"INBOX\" /private/comment /shared/comment");
  EXPECT_EQ(g.entries.size(), 2u);
  // A quoted entry name, and a literal one.
  g = get<GetMetadata>("GETMETADATA INBOX (\"/shared/comment\" {16}\r\n/private/COMMENT)");
  EXPECT_EQ(g.entries, (std::vector<std::string>{"/shared/comment", "/private/comment"}));
}

TEST(MetadataParser, SetForms) {
  auto s = get<SetMetadata>("SETMETADATA INBOX (/private/comment {35}\r\nMy new comment across\r\ntwo lines.\r\n)");
  EXPECT_EQ(s.mailbox, "INBOX");
  ASSERT_EQ(s.entries.size(), 1u);
  EXPECT_EQ(s.entries[0].first, "/private/comment");
  EXPECT_EQ(s.entries[0].second, std::optional<std::string>("My new comment across\r\ntwo lines.\r\n"));
  s = get<SetMetadata>("SETMETADATA \"\" (/Shared/Comment \"a \\\"b\\\"\" /private/comment NIL /shared/bin ~{3}\r\na\0b)"s);
  ASSERT_EQ(s.entries.size(), 3u);
  EXPECT_EQ(s.mailbox, "");
  EXPECT_EQ(s.entries[0], (std::pair<std::string, std::optional<std::string>>{"/shared/comment", "a \"b\""}));
  EXPECT_FALSE(s.entries[1].second);
  EXPECT_EQ(s.entries[2].second, std::optional<std::string>("a\0b"s));
  s = get<SetMetadata>("SETMETADATA INBOX (/shared/empty \"\")");
  EXPECT_EQ(s.entries[0].second, std::optional<std::string>(""));
}

TEST(MetadataParser, BadForms) {
  const std::pair<std::string, std::string> cases[] = {
      {"GETMETADATA", "Missing mailbox"},
      {"GETMETADATA INBOX", "Missing METADATA entries"},
      {"GETMETADATA INBOX /comment", "Invalid METADATA entry name '/comment'"},
      {"GETMETADATA INBOX (\"/shared/a*\")", "Invalid METADATA entry name"},
      {"GETMETADATA INBOX (/shared/a*)", "Expected SP"},  // "*" is no ASTRING-CHAR
      {"GETMETADATA INBOX /shared/", "Invalid METADATA entry name"},
      {"GETMETADATA INBOX /shared//x", "Invalid METADATA entry name"},
      {"GETMETADATA INBOX (/shared/comment", "Missing ')' in METADATA entry list"},
      {"GETMETADATA INBOX ()", "Missing METADATA entry name"},
      {"GETMETADATA (DEPTH 2) INBOX /shared", "DEPTH must be 0, 1 or infinity"},
      {"GETMETADATA INBOX (MAXSIZE x) /shared/comment", "Expected number for MAXSIZE value"},
      {"GETMETADATA INBOX (MAXSIZE 1 MAXSIZE 2) /shared/comment", "MAXSIZE given twice"},
      {"GETMETADATA INBOX (FOO 1) /shared/comment", "Unknown GETMETADATA option"},
      {"GETMETADATA (DEPTH 1) INBOX (DEPTH 1) /shared", "Invalid METADATA entry name"},
      {"GETMETADATA INBOX /shared/comment )", "Missing METADATA entry name"},
      {"SETMETADATA INBOX /shared/comment \"x\"", "'(' of METADATA entry list"},
      {"SETMETADATA INBOX (/shared/comment)", "Missing METADATA value"},
      {"SETMETADATA INBOX (/shared \"x\")", "Invalid METADATA entry name '/shared'"},
      {"SETMETADATA INBOX (/shared/comment foo)", "Expected string for METADATA value"},
      {"SETMETADATA INBOX (/shared/comment \"x\") extra", "Unexpected extra arguments to SETMETADATA"},
      {"SETMETADATA INBOX (/shared/comment {2}\r\na\0)"s, "NUL octet in literal"},
  };
  for (const auto& [text, reason] : cases) {
    auto r = parse(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.error.find(reason), std::string::npos) << text << " -> " << r.error;
  }
}

TEST(MetadataParser, Bounded) {
  std::string get_list = "GETMETADATA INBOX (", set_list = "SETMETADATA INBOX (";
  for (std::size_t i = 0; i <= kMaxMetadataEntries; ++i) {
    get_list += (i ? " /shared/e" : "/shared/e") + std::to_string(i);
    set_list += (i ? " /shared/e" : "/shared/e") + std::to_string(i) + " NIL";
  }
  auto r = parse(get_list + ")");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("Too many METADATA entries"), std::string::npos) << r.error;
  r = parse(set_list + ")");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("Too many METADATA entries"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace postamt::imap::protocol
