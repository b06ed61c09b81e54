// Delivery into the SQLite store: one file for many accounts (hard links), INBOX fallback, flags,
// blob reuse, and all-or-nothing failure.
#include <fstream>

#include "store/blob_files.hpp"
#include "store_fixture.hpp"

namespace postamt::store::testing {
namespace {

TEST_F(StoreTest, DeliverToOneAccount) {
  store_->create_account(1);
  auto msg = message("one");
  Target t{1, "INBOX", {"\\seen", "$Label1"}};
  Changes ch;
  auto stored = store_->deliver(msg, NewMessage{1700000001, "(e)", "(b)"}, std::span<const Target>(&t, 1), ch);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].account, 1);
  EXPECT_EQ(stored[0].mailbox, "INBOX");
  EXPECT_EQ(stored[0].uid, 1u);
  ASSERT_EQ(ch.size(), 1u);
  EXPECT_EQ(ch[0].kind, Change::Kind::MessageAdded);
  EXPECT_EQ(ch[0].uid, 1u);
  EXPECT_EQ(ch[0].modseq, stored[0].modseq);
  EXPECT_EQ(ch[0].flags, (std::vector<std::string>{"$Label1", "\\Seen"}));

  auto msgs = store_->messages(1, "INBOX");
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].size, msg.size());
  EXPECT_EQ(msgs[0].blob, sha256_hex(msg));
  EXPECT_EQ(msgs[0].modseq, stored[0].modseq);
  EXPECT_EQ(store_->read_message(1, msgs[0]), msg);
  auto path = store_->message_path(1, msgs[0]);
  EXPECT_EQ(path, dir_ / "accounts/1/blobs" / msgs[0].blob.substr(0, 2) / msgs[0].blob);
  EXPECT_TRUE(std::filesystem::exists(path));

  auto box = *store_->mailbox(1, "INBOX");
  EXPECT_EQ(box.messages, 1u);
  EXPECT_EQ(box.unseen, 0u);
  EXPECT_EQ(box.uidnext, 2u);
  EXPECT_EQ(box.highestmodseq, stored[0].modseq);
  EXPECT_EQ(box.size, msg.size());
  EXPECT_EQ(count_files(dir_ / "tmp"), 0u) << "temp file left behind";

  EXPECT_EQ(put(1, message("two")), 2u);
  EXPECT_EQ(store_->mailbox(1, "INBOX")->unseen, 1u);
}

TEST_F(StoreTest, DeliverToSeveralAccountsStoresOneFileHardLinked) {
  for (AccountId a : {1, 2, 3}) store_->create_account(a);
  Changes ch;
  store_->create_mailbox(2, "Lists", "", ch);
  auto msg = message("shared");
  std::vector<Target> targets{{3, "INBOX", {}}, {1, "INBOX", {}}, {2, "Lists", {"\\Flagged"}}};
  ch.clear();
  auto stored = store_->deliver(msg, NewMessage{1, "", ""}, targets, ch);
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(ch.size(), 3u);
  std::set<ino_t> inodes;
  for (AccountId a : {1, 2, 3}) {
    auto msgs = store_->messages(a, a == 2 ? "Lists" : "INBOX");
    ASSERT_EQ(msgs.size(), 1u) << a;
    EXPECT_EQ(store_->read_message(a, msgs[0]), msg);
    inodes.insert(inode(store_->message_path(a, msgs[0])));
  }
  EXPECT_EQ(inodes.size(), 1u) << "one file, hard-linked into every account";
  EXPECT_EQ(std::filesystem::hard_link_count(store_->message_path(1, store_->messages(1, "INBOX")[0])), 3u);
}

TEST_F(StoreTest, MissingMailboxFallsBackToInbox) {
  store_->create_account(1);
  Target t{1, "No/Such/Folder", {}};
  Changes ch;
  auto stored = store_->deliver(message("fb"), NewMessage{1, "", ""}, std::span<const Target>(&t, 1), ch);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].mailbox, "INBOX");
  EXPECT_EQ(ch[0].mailbox, "INBOX");
  EXPECT_EQ(store_->messages(1, "INBOX").size(), 1u);
  EXPECT_FALSE(store_->mailbox(1, "No/Such/Folder"));
}

TEST_F(StoreTest, SameMessageTwiceInOneAccountSharesTheFile) {
  store_->create_account(1);
  put(1, message("dup"));
  put(1, message("dup"), "Archive");
  EXPECT_EQ(count_files(dir_ / "accounts/1/blobs"), 1u);
  auto a = store_->messages(1, "INBOX");
  auto b = store_->messages(1, "Archive");
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(a[0].blob, b[0].blob);
  // Expunging one copy keeps the file for the other.
  Changes ch;
  std::uint32_t uid[] = {a[0].uid};
  store_->expunge(1, "INBOX", uid, ch);
  EXPECT_EQ(count_files(dir_ / "accounts/1/blobs"), 1u);
  EXPECT_EQ(store_->read_message(1, b[0]), message("dup"));
}

TEST_F(StoreTest, DamagedExistingBlobIsReplacedOnDelivery) {
  store_->create_account(1);
  put(1, message("fix me"));
  auto m = store_->messages(1, "INBOX")[0];
  std::filesystem::resize_file(store_->message_path(1, m), 3);
  put(1, message("fix me"), "Archive");
  EXPECT_EQ(store_->read_message(1, m), message("fix me"));
}

TEST_F(StoreTest, FailureInOneAccountLeavesNothingAnywhere) {
  store_->create_account(1);
  store_->create_account(2);
  auto msg = message("doomed");
  auto sha = sha256_hex(msg);
  // Account 2's <aa> fan-out directory is blocked by a plain file: linking there must fail.
  auto blocker = dir_ / "accounts/2/blobs" / sha.substr(0, 2);
  { std::ofstream(blocker) << "not a directory"; }
  std::vector<Target> targets{{1, "INBOX", {}}, {2, "INBOX", {}}};
  Changes ch;
  EXPECT_ANY_THROW(store_->deliver(msg, NewMessage{1, "", ""}, targets, ch));
  EXPECT_TRUE(ch.empty());
  EXPECT_TRUE(store_->messages(1, "INBOX").empty());
  EXPECT_TRUE(store_->messages(2, "INBOX").empty());
  EXPECT_EQ(store_->mailbox(1, "INBOX")->uidnext, 1u);
  EXPECT_EQ(count_files(dir_ / "accounts/1/blobs"), 0u) << "the new file in account 1 is undone";
  EXPECT_EQ(count_files(dir_ / "tmp"), 0u);
  // After the obstacle is gone the same delivery works.
  std::filesystem::remove(blocker);
  auto stored = store_->deliver(msg, NewMessage{1, "", ""}, targets, ch);
  EXPECT_EQ(stored.size(), 2u);
}

TEST_F(StoreTest, UnknownAccountOrBadFlagRefusesBeforeWriting) {
  store_->create_account(1);
  std::vector<Target> targets{{1, "INBOX", {}}, {99, "INBOX", {}}};
  Changes ch;
  EXPECT_THROW(store_->deliver(message("x"), NewMessage{1, "", ""}, targets, ch), NoSuchAccount);
  Target bad{1, "INBOX", {"bad flag"}};
  EXPECT_THROW(store_->deliver(message("x"), NewMessage{1, "", ""}, std::span<const Target>(&bad, 1), ch), Error);
  EXPECT_TRUE(store_->messages(1, "INBOX").empty());
  EXPECT_EQ(count_files(dir_ / "accounts/1/blobs"), 0u);
  EXPECT_TRUE(ch.empty());
}

TEST_F(StoreTest, EmptyTargetsStoreNothing) {
  Changes ch;
  EXPECT_TRUE(store_->deliver(message("x"), NewMessage{1, "", ""}, {}, ch).empty());
  EXPECT_TRUE(ch.empty());
}

TEST(BlobFiles, Sha256) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(is_sha256_hex(sha256_hex("")));
  EXPECT_FALSE(is_sha256_hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
  EXPECT_FALSE(is_sha256_hex("abc"));
}

}  // namespace
}  // namespace postamt::store::testing
