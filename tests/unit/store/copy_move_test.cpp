// MailStore::copy_messages / move_messages: new rows on the same blob file, flags and internal date
// kept, new UIDs in source order, MOVE's sources expunged (remembered for VANISHED) atomically.
#include <gtest/gtest.h>

#include "store_fixture.hpp"

namespace postamt::store::testing {

TEST_F(StoreTest, CopySharesTheFileAndKeepsFlagsAndDate) {
  store_->create_account(1);
  auto u1 = put(1, message("one"), "INBOX", {"\\Seen", "$Label"});
  auto u2 = put(1, message("two"), "INBOX", {"\\Flagged"});
  put(1, message("elsewhere"), "Archive");  // the target already has a message: UIDs continue
  const auto files_before = count_files(dir_ / "accounts");
  const auto target_before = *store_->mailbox(1, "Archive");
  Changes ch;
  std::uint32_t uids[] = {u2, u1, 999, u1};  // any order, unknown and duplicate uids
  auto copied = store_->copy_messages(1, "inbox", uids, "Archive", ch);
  ASSERT_EQ(copied.size(), 2u);
  EXPECT_EQ(copied[0].source, u1);
  EXPECT_EQ(copied[1].source, u2);
  EXPECT_EQ(copied[0].dest, target_before.uidnext);
  EXPECT_EQ(copied[1].dest, target_before.uidnext + 1);
  EXPECT_EQ(count_files(dir_ / "accounts"), files_before);  // no new file: same blob, new rows

  auto src = store_->messages(1, "INBOX");
  auto dst = store_->messages(1, "Archive");
  ASSERT_EQ(src.size(), 2u);
  ASSERT_EQ(dst.size(), 3u);
  for (int i = 0; i < 2; ++i) {
    const auto& a = src[static_cast<std::size_t>(i)];
    const auto& b = dst[static_cast<std::size_t>(i) + 1];
    EXPECT_EQ(b.uid, copied[static_cast<std::size_t>(i)].dest);
    EXPECT_EQ(a.blob, b.blob);
    EXPECT_EQ(a.flags, b.flags);
    EXPECT_EQ(a.internal_date, b.internal_date);
    EXPECT_EQ(a.size, b.size);
    EXPECT_EQ(a.envelope, b.envelope);
    EXPECT_EQ(inode(blob_file(1, a)), inode(blob_file(1, b)));
    EXPECT_EQ(store_->read_message(1, b), store_->read_message(1, a));
  }
  EXPECT_GT(dst[1].modseq, target_before.highestmodseq);
  ASSERT_EQ(ch.size(), 2u);
  EXPECT_EQ(ch[0].kind, Change::Kind::MessageAdded);
  EXPECT_EQ(ch[0].mailbox, "Archive");
  EXPECT_EQ(ch[0].flags, src[0].flags);

  // Expunging the source keeps the file: the copy still uses it.
  Changes ch2;
  std::uint32_t gone[] = {u1};
  store_->expunge(1, "INBOX", gone, ch2);
  EXPECT_EQ(store_->read_message(1, dst[1]), message("one"));
}

TEST_F(StoreTest, MoveIsOneStepAndRemembersTheSourcesAsExpunged) {
  store_->create_account(1);
  auto u1 = put(1, message("a"), "INBOX", {"\\Answered"});
  auto u2 = put(1, message("b"));
  auto u3 = put(1, message("c"));
  const auto before = store_->mailbox(1, "INBOX")->highestmodseq;
  const auto files_before = count_files(dir_ / "accounts");
  Changes ch;
  std::uint32_t uids[] = {u1, u3};
  auto moved = store_->move_messages(1, "INBOX", uids, "Trash", ch);
  ASSERT_EQ(moved.size(), 2u);
  EXPECT_EQ(moved[0].source, u1);
  EXPECT_EQ(moved[1].source, u3);
  auto inbox = store_->messages(1, "INBOX");
  ASSERT_EQ(inbox.size(), 1u);
  EXPECT_EQ(inbox[0].uid, u2);
  auto trash = store_->messages(1, "Trash");
  ASSERT_EQ(trash.size(), 2u);
  EXPECT_EQ(trash[0].flags, (std::vector<std::string>{"\\Answered"}));
  EXPECT_EQ(store_->read_message(1, trash[1]), message("c"));
  EXPECT_EQ(count_files(dir_ / "accounts"), files_before);
  EXPECT_EQ(store_->expunged_since(1, "INBOX", before), (std::vector<std::uint32_t>{u1, u3}));
  int added = 0, expunged = 0;
  for (const auto& c : ch) {
    if (c.kind == Change::Kind::MessageAdded && c.mailbox == "Trash") ++added;
    if (c.kind == Change::Kind::Expunged && c.mailbox == "INBOX") ++expunged;
  }
  EXPECT_EQ(added, 2);
  EXPECT_EQ(expunged, 2);
  EXPECT_EQ(count_files(dir_ / "tmp"), 0u);
}

TEST_F(StoreTest, CopyAndMoveRefuseBadMailboxesWithoutChanges) {
  store_->create_account(1);
  auto u1 = put(1, message("a"));
  Changes ch;
  std::uint32_t uids[] = {u1};
  EXPECT_THROW(store_->copy_messages(1, "INBOX", uids, "Nope", ch), NoSuchMailbox);
  EXPECT_THROW(store_->move_messages(1, "Nope", uids, "Trash", ch), NoSuchMailbox);
  EXPECT_THROW(store_->move_messages(1, "INBOX", uids, "inbox", ch), Error);
  EXPECT_TRUE(ch.empty());
  EXPECT_EQ(store_->messages(1, "INBOX").size(), 1u);
  EXPECT_TRUE(store_->messages(1, "Trash").empty());
  const auto uidnext = store_->mailbox(1, "Trash")->uidnext;
  std::uint32_t unknown[] = {4242};
  EXPECT_TRUE(store_->copy_messages(1, "INBOX", unknown, "Trash", ch).empty());
  EXPECT_TRUE(ch.empty());
  EXPECT_EQ(store_->mailbox(1, "Trash")->uidnext, uidnext);
}

}  // namespace postamt::store::testing
