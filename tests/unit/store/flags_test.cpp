// Flags, modseq and expunge in the SQLite store (RFC 9051 §2.3.2, RFC 7162 §3.1, §3.2.10).
#include "store/flags.hpp"

#include "store_fixture.hpp"

namespace postamt::store::testing {
namespace {

using Mode = MailStore::FlagMode;

TEST(Flags, NormalizeCanonicalisesAndRejects) {
  std::vector<std::string> in{"\\SEEN", "\\seen", "Work", "work", "\\Recent", "$Junk"};
  EXPECT_EQ(normalize_flags(in), (std::vector<std::string>{"$Junk", "\\Seen", "Work"}));
  for (std::string bad : std::vector<std::string>{"", "\\", "a b", "a(b", "a]", "\\Bogus", "x*", std::string("a\x01"), std::string(300, 'k')}) {
    std::vector<std::string> v{bad};
    EXPECT_THROW(normalize_flags(v), Error) << bad;
  }
  // Keywords compare case-insensitively; the spelling already on the message is kept.
  EXPECT_EQ(apply_flags({"Work"}, {"work", "Home"}, FlagOp::Add), (std::vector<std::string>{"Home", "Work"}));
  EXPECT_EQ(apply_flags({"Work", "\\Seen"}, {"WORK"}, FlagOp::Remove), (std::vector<std::string>{"\\Seen"}));
  EXPECT_EQ(split_flags(join_flags({"\\Seen", "a"})), (std::vector<std::string>{"\\Seen", "a"}));
  EXPECT_TRUE(split_flags("").empty());
}

TEST_F(StoreTest, StoreFlagsAddRemoveReplaceBumpModseq) {
  store_->create_account(1);
  auto u1 = put(1, message("a"));
  auto u2 = put(1, message("b"));
  auto m0 = store_->mailbox(1, "INBOX")->highestmodseq;
  Changes ch;
  std::uint32_t both[] = {u1, u2};
  std::vector<std::string> seen{"\\Seen"};
  store_->store_flags(1, "INBOX", both, seen, Mode::Add, ch);
  ASSERT_EQ(ch.size(), 2u);
  EXPECT_EQ(ch[0].kind, Change::Kind::FlagsChanged);
  EXPECT_EQ(ch[0].uid, u1);
  EXPECT_GT(ch[0].modseq, m0);
  EXPECT_EQ(ch[0].flags, seen);
  auto m1 = store_->mailbox(1, "INBOX")->highestmodseq;
  EXPECT_EQ(m1, ch[0].modseq);
  EXPECT_EQ(store_->mailbox(1, "INBOX")->unseen, 0u);
  for (const auto& m : store_->messages(1, "INBOX")) EXPECT_EQ(m.modseq, m1);

  // No change: no new modseq, no Changes.
  ch.clear();
  store_->store_flags(1, "INBOX", both, seen, Mode::Add, ch);
  EXPECT_TRUE(ch.empty());
  EXPECT_EQ(store_->mailbox(1, "INBOX")->highestmodseq, m1);

  ch.clear();
  std::uint32_t one[] = {u2};
  std::vector<std::string> kw{"Work", "\\flagged"};
  store_->store_flags(1, "INBOX", one, kw, Mode::Replace, ch);
  ASSERT_EQ(ch.size(), 1u);
  EXPECT_EQ(ch[0].flags, (std::vector<std::string>{"\\Flagged", "Work"}));
  auto m2 = ch[0].modseq;
  EXPECT_GT(m2, m1);
  EXPECT_EQ(store_->mailbox(1, "INBOX")->unseen, 1u);

  ch.clear();
  std::vector<std::string> rm{"work"};
  store_->store_flags(1, "INBOX", one, rm, Mode::Remove, ch);
  ASSERT_EQ(ch.size(), 1u);
  EXPECT_EQ(ch[0].flags, (std::vector<std::string>{"\\Flagged"}));
  EXPECT_GT(ch[0].modseq, m2);
  auto msgs = store_->messages(1, "INBOX");
  EXPECT_EQ(msgs[0].modseq, m1);  // untouched message keeps its modseq
  EXPECT_EQ(msgs[1].modseq, ch[0].modseq);

  std::uint32_t ghost[] = {999};
  ch.clear();
  store_->store_flags(1, "INBOX", ghost, seen, Mode::Add, ch);
  EXPECT_TRUE(ch.empty());
  EXPECT_THROW(store_->store_flags(1, "Nope", one, seen, Mode::Add, ch), NoSuchMailbox);
  std::vector<std::string> bad{"\\Nonsense"};
  EXPECT_THROW(store_->store_flags(1, "INBOX", one, bad, Mode::Add, ch), Error);
}

TEST_F(StoreTest, ExpungeRemovesRowAndFileAndRemembersVanished) {
  store_->create_account(1);
  auto u1 = put(1, message("gone"));
  auto u2 = put(1, message("stays"));
  auto before = store_->mailbox(1, "INBOX")->highestmodseq;
  auto gone = store_->messages(1, "INBOX")[0];
  auto path = store_->message_path(1, gone);
  ASSERT_TRUE(std::filesystem::exists(path));
  Changes ch;
  std::uint32_t uids[] = {u1, 12345};
  store_->expunge(1, "INBOX", uids, ch);
  ASSERT_EQ(ch.size(), 1u);
  EXPECT_EQ(ch[0].kind, Change::Kind::Expunged);
  EXPECT_EQ(ch[0].uid, u1);
  EXPECT_GT(ch[0].modseq, before);
  EXPECT_FALSE(std::filesystem::exists(path));
  auto msgs = store_->messages(1, "INBOX");
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].uid, u2);
  EXPECT_EQ(store_->expunged_since(1, "INBOX", before), (std::vector<std::uint32_t>{u1}));
  EXPECT_TRUE(store_->expunged_since(1, "INBOX", ch[0].modseq).empty());
  EXPECT_EQ(store_->mailbox(1, "INBOX")->uidnext, u2 + 1);  // UIDs are never reused
  EXPECT_EQ(put(1, message("new")), u2 + 1);
  EXPECT_EQ(count_files(dir_ / "tmp"), 0u);

  // Nothing to expunge: no modseq change.
  auto m = store_->mailbox(1, "INBOX")->highestmodseq;
  ch.clear();
  store_->expunge(1, "INBOX", uids, ch);
  EXPECT_TRUE(ch.empty());
  EXPECT_EQ(store_->mailbox(1, "INBOX")->highestmodseq, m);
}

TEST_F(StoreTest, RecentIsClaimedOnce) {
  store_->create_account(1);
  auto u1 = put(1, message("r1"));
  EXPECT_EQ(store_->mailbox(1, "INBOX")->recent, 1u);
  EXPECT_EQ(store_->claim_recent(1, "INBOX"), (std::vector<std::uint32_t>{u1}));
  EXPECT_EQ(store_->mailbox(1, "INBOX")->recent, 0u);
  EXPECT_TRUE(store_->claim_recent(1, "INBOX").empty());
  auto u2 = put(1, message("r2"));
  EXPECT_EQ(store_->claim_recent(1, "INBOX"), (std::vector<std::uint32_t>{u2}));
}

}  // namespace
}  // namespace postamt::store::testing
