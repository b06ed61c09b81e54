// Group commit: MailStore::deliver_batch stores several messages for several accounts at once.
#include <gtest/gtest.h>

#include "store_fixture.hpp"

namespace postamt::store::testing {
namespace {

TEST_F(StoreTest, BatchStoresEveryItemWithItsOwnTargets) {
  store_->create_account(1);
  store_->create_account(2);
  NewMessage meta{1700000000, "(env)", "(body)"};
  std::string a = message("a"), b = message("b"), c = message("c");
  Target ta[] = {{1, "INBOX", {}}, {2, "Archive", {"\\Seen"}}};
  Target tb[] = {{2, "INBOX", {}}};
  Target tc[] = {{1, "INBOX", {}}};
  BatchItem items[] = {{a, &meta, ta}, {b, &meta, tb}, {c, &meta, tc}, {a, &meta, tc}};
  Changes changes;
  auto results = store_->deliver_batch(items, changes);
  ASSERT_EQ(results.size(), 4u);
  ASSERT_EQ(results[0].size(), 2u);
  EXPECT_EQ(results[0][0].account, 1);
  EXPECT_EQ(results[0][1].mailbox, "Archive");
  ASSERT_EQ(results[1].size(), 1u);
  EXPECT_EQ(results[1][0].account, 2);
  EXPECT_EQ(results[2][0].uid, 2u);
  EXPECT_EQ(results[3][0].uid, 3u);  // the same bytes again: a new message sharing the file
  EXPECT_EQ(changes.size(), 5u);
  auto inbox1 = store_->messages(1, "INBOX");
  ASSERT_EQ(inbox1.size(), 3u);
  EXPECT_EQ(store_->read_message(1, inbox1[0]), a);
  EXPECT_EQ(store_->read_message(1, inbox1[1]), c);
  EXPECT_EQ(inode(blob_file(1, inbox1[0])), inode(blob_file(1, inbox1[2])));
  EXPECT_EQ(store_->messages(2, "Archive").at(0).flags, std::vector<std::string>{"\\Seen"});
  EXPECT_EQ(store_->read_message(2, store_->messages(2, "INBOX").at(0)), b);
  EXPECT_EQ(count_files(dir_ / "tmp"), 0u);
  EXPECT_TRUE(store_->fsck(false).problems.empty());
}

TEST_F(StoreTest, BatchIsAllOrNothing) {
  store_->create_account(1);
  NewMessage meta{1700000000, "(env)", "(body)"};
  std::string a = message("a"), b = message("b");
  Target ok[] = {{1, "INBOX", {}}};
  Target missing[] = {{99, "INBOX", {}}};
  BatchItem items[] = {{a, &meta, ok}, {b, &meta, missing}};
  Changes changes;
  EXPECT_THROW(store_->deliver_batch(items, changes), NoSuchAccount);
  EXPECT_TRUE(store_->messages(1, "INBOX").empty());
  EXPECT_TRUE(changes.empty());
  EXPECT_EQ(count_files(dir_ / "accounts/1/blobs"), 0u);
}

}  // namespace
}  // namespace postamt::store::testing
