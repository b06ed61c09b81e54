// Sequence sets: parsing, "*" and "$", resolution against a mailbox size, compact formatting.
#include "imap/protocol/sequence_set.hpp"

#include <gtest/gtest.h>

namespace postamt::imap::protocol {
namespace {

TEST(SequenceSet, ParseAndPrint) {
  for (const char* s : {"1", "1:5", "2,4:7,9,12:*", "*", "*:4,5:7", "$", "4294967295"}) {
    auto set = parse_sequence_set(s);
    ASSERT_TRUE(set) << s;
    EXPECT_EQ(to_string(*set), s);
  }
  for (const char* s : {"", "0", "1:0", "1,", ",1", "1::2", "a", "1:*:3", "$,1", "4294967296", "1 2"})
    EXPECT_FALSE(parse_sequence_set(s)) << s;
  EXPECT_FALSE(parse_sequence_set("$", false));
}

TEST(SequenceSet, Resolve) {
  auto set = *parse_sequence_set("*:4,5:7,12:*,2");
  auto r = set.resolve(10);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0], (SeqRange{2, 2}));
  EXPECT_EQ(r[1], (SeqRange{4, 12}));  // 12:* with * = 10 is 10:12 ("regardless of order")
  // "*" of an empty mailbox resolves to nothing (RFC 9051 §9 seq-number)
  EXPECT_TRUE(parse_sequence_set("*")->resolve(0).empty());
  // 3291:* includes the last UID even when it is below 3291
  r = parse_sequence_set("3291:*")->resolve(100);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0], (SeqRange{100, 3291}));
}

TEST(SequenceSet, Contains) {
  auto set = *parse_sequence_set("2,4:7,12:*");
  EXPECT_TRUE(set.contains(2, 15));
  EXPECT_FALSE(set.contains(3, 15));
  EXPECT_TRUE(set.contains(6, 15));
  EXPECT_TRUE(set.contains(15, 15));
  EXPECT_FALSE(set.contains(16, 15));
  EXPECT_TRUE(set.uses_star());
  EXPECT_FALSE(parse_sequence_set("1:3")->uses_star());
}

TEST(SequenceSet, FormatCompressesRanges) {
  EXPECT_EQ(format_sequence_set({}), "");
  EXPECT_EQ(format_sequence_set({5}), "5");
  EXPECT_EQ(format_sequence_set({1, 2, 3, 5, 7, 8}), "1:3,5,7:8");
  EXPECT_EQ(format_sequence_set({9, 3, 2, 1, 3, 10}), "1:3,9:10");
  EXPECT_EQ(format_sequence_set({0, 4294967295u, 4294967294u}), "4294967294:4294967295");
}

}  // namespace
}  // namespace postamt::imap::protocol
