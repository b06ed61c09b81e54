// fsck of the SQLite store: a clean store is clean; each kind of damage is found and repaired.
#include <fstream>

#include "store/blob_files.hpp"
#include "store_fixture.hpp"

namespace postamt::store::testing {
namespace {

class FsckTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    store_->create_account(1);
    store_->create_account(2);
    u_missing_ = put(1, message("will lose its file"));
    u_short_ = put(1, message("will be truncated"));
    put(1, message("stays fine"));
    put(2, message("account two"));
  }
  MessageInfo msg(AccountId a, std::uint32_t uid) {
    for (const auto& m : store_->messages(a, "INBOX"))
      if (m.uid == uid) return m;
    ADD_FAILURE() << "no uid " << uid;
    return {};
  }
  static std::size_t count(const FsckReport& r, const std::string& kind) {
    std::size_t n = 0;
    for (const auto& p : r.problems) n += p.kind == kind;
    return n;
  }
  static std::string dump(const FsckReport& r) {
    std::string s;
    for (const auto& p : r.problems) s += std::to_string(p.account) + " " + p.kind + ": " + p.detail + "\n";
    return s;
  }
  std::uint32_t u_missing_ = 0, u_short_ = 0;
};

TEST_F(FsckTest, CleanStoreHasNoProblems) {
  auto r = store_->fsck(false);
  EXPECT_TRUE(r.problems.empty()) << dump(r);
  EXPECT_EQ(r.accounts, 2u);
  EXPECT_EQ(r.messages, 4u);
  EXPECT_EQ(r.files, 4u);
  r = store_->fsck(true);
  EXPECT_TRUE(r.problems.empty()) << dump(r);
  EXPECT_EQ(store_->messages(1, "INBOX").size(), 3u);
}

TEST_F(FsckTest, FindsAndRepairsEachKindOfDamage) {
  std::filesystem::remove(store_->message_path(1, msg(1, u_missing_)));
  std::filesystem::resize_file(store_->message_path(1, msg(1, u_short_)), 5);
  auto stray = dir_ / "accounts/1/blobs/ab/stray-file";
  std::filesystem::create_directories(stray.parent_path());
  { std::ofstream(stray) << "junk"; }
  auto orphan_msg = message("orphan");
  auto orphan = dir_ / "accounts/2/blobs" / sha256_hex(orphan_msg).substr(0, 2) / sha256_hex(orphan_msg);
  std::filesystem::create_directories(orphan.parent_path());
  { std::ofstream(orphan) << orphan_msg; }
  auto temp = dir_ / "tmp/deliver-12345-1";
  { std::ofstream(temp) << "half a message"; }
  auto fresh_temp = dir_ / "tmp/deliver-12345-2";  // could be a delivery in progress: left alone
  { std::ofstream(fresh_temp) << "in flight"; }
  std::filesystem::last_write_time(temp, std::filesystem::file_time_type::clock::now() - std::chrono::hours(2));

  auto r = store_->fsck(false);
  EXPECT_EQ(count(r, "missing-file"), 1u) << dump(r);
  EXPECT_EQ(count(r, "size-mismatch"), 1u) << dump(r);
  EXPECT_EQ(count(r, "orphan-file"), 2u) << dump(r);
  EXPECT_EQ(count(r, "temp-file"), 1u) << dump(r);
  EXPECT_EQ(r.problems.size(), 5u) << dump(r);
  for (const auto& p : r.problems) EXPECT_FALSE(p.repaired);
  EXPECT_TRUE(std::filesystem::exists(stray)) << "report-only fsck must not change anything";
  EXPECT_EQ(store_->messages(1, "INBOX").size(), 3u);

  auto before = store_->mailbox(1, "INBOX")->highestmodseq;
  r = store_->fsck(true);
  EXPECT_EQ(r.problems.size(), 5u) << dump(r);
  for (const auto& p : r.problems) EXPECT_TRUE(p.repaired) << p.kind << ": " << p.detail;
  EXPECT_FALSE(std::filesystem::exists(stray));
  EXPECT_FALSE(std::filesystem::exists(orphan));
  EXPECT_FALSE(std::filesystem::exists(temp));
  EXPECT_TRUE(std::filesystem::exists(fresh_temp));
  auto left = store_->messages(1, "INBOX");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(store_->read_message(1, left[0]), message("stays fine"));
  // The removed rows are expunges IMAP clients can learn about (RFC 7162 VANISHED).
  EXPECT_EQ(store_->expunged_since(1, "INBOX", before), (std::vector<std::uint32_t>{u_missing_, u_short_}));

  r = store_->fsck(false);
  EXPECT_TRUE(r.problems.empty()) << dump(r);
  EXPECT_EQ(r.messages, 2u);
}

TEST_F(FsckTest, MissingFileIsRestoredFromAnotherAccountsCopy) {
  auto shared = message("to both");
  std::vector<Target> targets{{1, "INBOX", {}}, {2, "INBOX", {}}};
  Changes ch;
  auto stored = store_->deliver(shared, NewMessage{1, "", ""}, targets, ch);
  auto m = msg(1, stored[0].uid);
  std::filesystem::remove(store_->message_path(1, m));
  auto r = store_->fsck(true);
  ASSERT_EQ(r.problems.size(), 1u) << dump(r);
  EXPECT_EQ(r.problems[0].kind, "missing-file");
  EXPECT_TRUE(r.problems[0].repaired);
  EXPECT_NE(r.problems[0].detail.find("restored"), std::string::npos) << r.problems[0].detail;
  EXPECT_EQ(store_->read_message(1, m), shared);
  EXPECT_TRUE(store_->fsck(false).problems.empty());
}

TEST_F(FsckTest, SameSizeCorruptionIsAHashMismatch) {
  auto m = msg(1, u_short_);
  auto path = store_->message_path(1, m);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(0);
    f.put('X');
  }
  auto r = store_->fsck(false);
  ASSERT_EQ(r.problems.size(), 1u) << dump(r);
  EXPECT_EQ(r.problems[0].kind, "hash-mismatch");
  r = store_->fsck(true);
  ASSERT_EQ(r.problems.size(), 1u) << dump(r);
  EXPECT_TRUE(r.problems[0].repaired);
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(store_->messages(1, "INBOX").size(), 2u);
  EXPECT_TRUE(store_->fsck(false).problems.empty());
}

TEST_F(FsckTest, AccountWithoutIndexIsReported) {
  std::filesystem::create_directories(dir_ / "accounts/9/blobs");
  auto r = store_->fsck(true);
  ASSERT_EQ(r.problems.size(), 1u) << dump(r);
  EXPECT_EQ(r.problems[0].kind, "bad-index");
  EXPECT_EQ(r.problems[0].account, 9);
  EXPECT_FALSE(r.problems[0].repaired);
}

TEST_F(FsckTest, CorruptIndexIsReportedNotRepaired) {
  reopen();  // drop cached connections before damaging the file
  std::filesystem::remove(dir_ / "accounts/2/index.sqlite-wal");
  std::filesystem::remove(dir_ / "accounts/2/index.sqlite-shm");
  { std::ofstream(dir_ / "accounts/2/index.sqlite", std::ios::trunc) << std::string(4096, 'Z'); }
  auto r = store_->fsck(true);
  ASSERT_EQ(r.problems.size(), 1u) << dump(r);
  EXPECT_EQ(r.problems[0].kind, "bad-index");
  EXPECT_EQ(r.problems[0].account, 2);
  EXPECT_FALSE(r.problems[0].repaired);
  EXPECT_EQ(store_->messages(1, "INBOX").size(), 3u);
}

}  // namespace
}  // namespace postamt::store::testing
