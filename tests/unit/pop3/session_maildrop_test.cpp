// The session's maildrop snapshot: numbering, deletion marks (RFC 1939 §5), RSET, UPDATE's uid list,
// unique-id syntax (RFC 1939 §7) and the per-account maildrop lock ([IN-USE], RFC 2449 §8.1.1).
#include <gtest/gtest.h>

#include "pop3/maildrop.hpp"

namespace postamt::pop3 {
namespace {

store::MessageInfo info(std::uint32_t uid, std::uint64_t size) {
  store::MessageInfo m{};
  m.uid = uid;
  m.size = size;
  return m;
}

TEST(Maildrop, CountsAndMarks) {
  Maildrop drop(7, 0x6561f3a2, {info(3, 100), info(9, 250), info(10, 5)});
  EXPECT_EQ(drop.size(), 3u);
  EXPECT_EQ(drop.live_count(), 3u);
  EXPECT_EQ(drop.live_octets(), 355u);
  EXPECT_FALSE(drop.exists(0));
  EXPECT_TRUE(drop.exists(3));
  EXPECT_FALSE(drop.exists(4));

  drop.mark_deleted(2);
  drop.mark_deleted(2);  // twice: counted once
  EXPECT_TRUE(drop.deleted(2));
  EXPECT_EQ(drop.size(), 3u);  // numbers do not shift
  EXPECT_EQ(drop.live_count(), 2u);
  EXPECT_EQ(drop.live_octets(), 105u);
  drop.mark_deleted(3);
  EXPECT_EQ(drop.deleted_uids(), (std::vector<std::uint32_t>{9, 10}));

  drop.reset();
  EXPECT_FALSE(drop.deleted(2));
  EXPECT_EQ(drop.live_count(), 3u);
  EXPECT_EQ(drop.live_octets(), 355u);
  EXPECT_TRUE(drop.deleted_uids().empty());
}

TEST(Maildrop, MarkOutOfRangeIsIgnored) {
  Maildrop drop(1, 1, {info(1, 10)});
  drop.mark_deleted(0);
  drop.mark_deleted(2);
  EXPECT_EQ(drop.live_count(), 1u);
}

TEST(Maildrop, EmptyMaildrop) {
  Maildrop drop(1, 1, {});
  EXPECT_EQ(drop.size(), 0u);
  EXPECT_EQ(drop.live_count(), 0u);
  EXPECT_EQ(drop.live_octets(), 0u);
  EXPECT_FALSE(drop.exists(1));
}

TEST(Maildrop, UniqueIds) {
  Maildrop drop(1, 0x6561f3a2, {info(0x1c, 1), info(0xffffffff, 1)});
  EXPECT_EQ(drop.unique_id(1), "6561f3a2-1c");
  EXPECT_EQ(drop.unique_id(2), "6561f3a2-ffffffff");
  EXPECT_NE(unique_id(1, 12), unique_id(11, 2));  // the separator keeps them apart
  std::string longest = unique_id(0xffffffff, 0xffffffff);
  EXPECT_LE(longest.size(), 70u);  // RFC 1939 §7: 1 to 70 characters 0x21..0x7E
  for (char c : longest) EXPECT_TRUE(c >= 0x21 && c <= 0x7e);
}

TEST(MaildropLock, ExclusivePerAccount) {
  auto first = MaildropLock::try_acquire(42);
  ASSERT_TRUE(first);
  EXPECT_TRUE(MaildropLock::held(42));
  EXPECT_FALSE(MaildropLock::try_acquire(42));
  auto other = MaildropLock::try_acquire(43);  // other accounts are independent
  EXPECT_TRUE(other);
  {
    MaildropLock moved(std::move(*first));
    first.reset();  // the moved-from lock releases nothing
    EXPECT_TRUE(MaildropLock::held(42));
  }
  EXPECT_FALSE(MaildropLock::held(42));
  EXPECT_TRUE(MaildropLock::try_acquire(42));
}

}  // namespace
}  // namespace postamt::pop3
