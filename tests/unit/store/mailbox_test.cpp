// Accounts and mailboxes of the SQLite store: defaults, create/rename/delete, UIDVALIDITY, persistence.
#include <algorithm>

#include "store/mailbox_names.hpp"
#include "store_fixture.hpp"

namespace postamt::store::testing {
namespace {

std::vector<std::string> names(const std::vector<MailboxInfo>& v) {
  std::vector<std::string> out;
  for (const auto& m : v) out.push_back(m.name);
  return out;
}

TEST_F(StoreTest, CreateAccountMakesSpecialUseMailboxesIdempotently) {
  store_->create_account(1);
  store_->create_account(1);
  auto boxes = store_->list_mailboxes(1);
  EXPECT_EQ(names(boxes), (std::vector<std::string>{"INBOX", "Archive", "Drafts", "Junk", "Sent", "Trash"}));
  for (const auto& m : boxes) {
    EXPECT_NE(m.uidvalidity, 0u);
    EXPECT_EQ(m.uidnext, 1u);
    EXPECT_TRUE(m.subscribed);
    EXPECT_EQ(m.messages, 0u);
    if (m.name != "INBOX") {
      EXPECT_EQ(m.special_use, "\\" + m.name);
    }
  }
  EXPECT_TRUE(std::filesystem::exists(dir_ / "accounts" / "1" / "index.sqlite"));
  EXPECT_TRUE(std::filesystem::is_directory(dir_ / "accounts" / "1" / "blobs"));
}

TEST_F(StoreTest, UnknownAccountIsAClearError) {
  EXPECT_THROW(store_->list_mailboxes(42), NoSuchAccount);
  Changes ch;
  EXPECT_THROW(put(42, message("x")), NoSuchAccount);
}

TEST_F(StoreTest, InboxIsCaseInsensitiveOtherNamesAreNot) {
  store_->create_account(1);
  EXPECT_TRUE(store_->mailbox(1, "inbox"));
  EXPECT_EQ(store_->mailbox(1, "iNbOx")->name, "INBOX");
  EXPECT_TRUE(store_->mailbox(1, "Sent"));
  EXPECT_FALSE(store_->mailbox(1, "sent"));
  EXPECT_FALSE(store_->mailbox(1, "nope"));
}

TEST_F(StoreTest, CreateMailboxCreatesSuperiorsAndRejectsBadNames) {
  store_->create_account(1);
  Changes ch;
  store_->create_mailbox(1, "Lists/postamt/dev", "", ch);
  ASSERT_EQ(ch.size(), 3u);
  EXPECT_EQ(ch[0].kind, Change::Kind::MailboxCreated);
  EXPECT_EQ(ch[0].mailbox, "Lists");
  EXPECT_EQ(ch[2].mailbox, "Lists/postamt/dev");
  EXPECT_TRUE(store_->mailbox(1, "Lists/postamt"));
  EXPECT_THROW(store_->create_mailbox(1, "Lists/postamt/dev", "", ch), MailboxExists);
  EXPECT_THROW(store_->create_mailbox(1, "inbox", "", ch), MailboxExists);
  EXPECT_THROW(store_->create_mailbox(1, "", "", ch), Error);
  EXPECT_THROW(store_->create_mailbox(1, "a//b", "", ch), Error);
  EXPECT_THROW(store_->create_mailbox(1, "a/", "", ch), Error);
  EXPECT_THROW(store_->create_mailbox(1, "a*", "", ch), Error);
  EXPECT_THROW(store_->create_mailbox(1, std::string("a\nb"), "", ch), Error);
  EXPECT_THROW(store_->create_mailbox(1, std::string(2000, 'x'), "", ch), Error);
  EXPECT_THROW(store_->create_mailbox(1, "Stuff", "\\Bogus", ch), Error);
  store_->create_mailbox(1, "Everything", "\\all", ch);
  EXPECT_EQ(store_->mailbox(1, "Everything")->special_use, "\\All");
  store_->create_mailbox(1, "inbox/Sub", "", ch);
  EXPECT_TRUE(store_->mailbox(1, "INBOX/Sub"));
}

TEST_F(StoreTest, UidValidityIsUniqueAndGrowsWhenANameIsReused) {
  store_->create_account(1);
  Changes ch;
  store_->create_mailbox(1, "A", "", ch);
  auto first = store_->mailbox(1, "A")->uidvalidity;
  std::vector<std::uint32_t> all;
  for (const auto& m : store_->list_mailboxes(1)) all.push_back(m.uidvalidity);
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "UIDVALIDITY values must differ";
  store_->delete_mailbox(1, "A", ch);
  store_->create_mailbox(1, "A", "", ch);
  EXPECT_GT(store_->mailbox(1, "A")->uidvalidity, first);  // RFC 9051 §2.3.1.1
}

TEST_F(StoreTest, DeleteMailboxRemovesItsMessagesAndFiles) {
  store_->create_account(1);
  Changes ch;
  store_->create_mailbox(1, "Work", "", ch);
  store_->create_mailbox(1, "Work/Old", "", ch);
  put(1, message("only in work"), "Work");
  put(1, message("in both"), "Work");
  put(1, message("in both"), "INBOX");
  EXPECT_EQ(count_files(dir_ / "accounts/1/blobs"), 2u);
  ch.clear();
  store_->delete_mailbox(1, "Work", ch);
  ASSERT_EQ(ch.size(), 1u);
  EXPECT_EQ(ch[0].kind, Change::Kind::MailboxDeleted);
  EXPECT_FALSE(store_->mailbox(1, "Work"));
  EXPECT_TRUE(store_->mailbox(1, "Work/Old"));  // RFC 9051 §6.3.5: inferiors stay
  EXPECT_EQ(count_files(dir_ / "accounts/1/blobs"), 1u);  // the INBOX copy keeps the shared file
  auto inbox = store_->messages(1, "INBOX");
  ASSERT_EQ(inbox.size(), 1u);
  EXPECT_EQ(store_->read_message(1, inbox[0]), message("in both"));
  EXPECT_THROW(store_->delete_mailbox(1, "Work", ch), NoSuchMailbox);
  EXPECT_THROW(store_->delete_mailbox(1, "inbox", ch), Error);
}

TEST_F(StoreTest, RenameMailboxRenamesInferiorsAndKeepsMessages) {
  store_->create_account(1);
  Changes ch;
  store_->create_mailbox(1, "Work/Old", "", ch);
  put(1, message("w"), "Work");
  auto before = *store_->mailbox(1, "Work");
  ch.clear();
  store_->rename_mailbox(1, "Work", "Archive/2024/Work", ch);
  EXPECT_FALSE(store_->mailbox(1, "Work"));
  EXPECT_FALSE(store_->mailbox(1, "Work/Old"));
  auto after = store_->mailbox(1, "Archive/2024/Work");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->uidvalidity, before.uidvalidity);
  EXPECT_EQ(after->messages, 1u);
  EXPECT_TRUE(store_->mailbox(1, "Archive/2024/Work/Old"));
  EXPECT_TRUE(store_->mailbox(1, "Archive/2024"));
  int renamed = 0;
  for (const auto& c : ch)
    if (c.kind == Change::Kind::MailboxRenamed) ++renamed;
  EXPECT_EQ(renamed, 2);
  EXPECT_THROW(store_->rename_mailbox(1, "Sent", "Trash", ch), MailboxExists);
  EXPECT_THROW(store_->rename_mailbox(1, "Nope", "Other", ch), NoSuchMailbox);
  EXPECT_THROW(store_->rename_mailbox(1, "Sent", "Sent/Inner", ch), Error);
}

TEST_F(StoreTest, RenameInboxMovesMessagesAndLeavesInboxEmpty) {
  store_->create_account(1);
  auto uid = put(1, message("m1"));
  put(1, message("m2"));
  auto inbox_before = *store_->mailbox(1, "INBOX");
  Changes ch;
  store_->rename_mailbox(1, "INBOX", "Old-Inbox", ch);
  auto inbox = *store_->mailbox(1, "INBOX");
  EXPECT_EQ(inbox.messages, 0u);
  EXPECT_EQ(inbox.uidvalidity, inbox_before.uidvalidity);
  EXPECT_EQ(inbox.uidnext, inbox_before.uidnext);  // never goes back (RFC 9051 §2.3.1.1)
  EXPECT_GT(inbox.highestmodseq, inbox_before.highestmodseq);
  EXPECT_EQ(store_->expunged_since(1, "INBOX", inbox_before.highestmodseq), (std::vector<std::uint32_t>{uid, uid + 1}));
  auto moved = store_->messages(1, "Old-Inbox");
  ASSERT_EQ(moved.size(), 2u);
  EXPECT_EQ(store_->read_message(1, moved[1]), message("m2"));
  EXPECT_EQ(put(1, message("m3")), inbox_before.uidnext);
}

TEST_F(StoreTest, StatePersistsAcrossReopen) {
  store_->create_account(7);
  Changes ch;
  store_->create_mailbox(7, "Keep", "", ch);
  auto uid = put(7, message("persist"), "Keep", {"\\Flagged"});
  store_->set_subscribed(7, "Keep", true);
  auto before = *store_->mailbox(7, "Keep");
  reopen();
  auto after = store_->mailbox(7, "Keep");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->uidvalidity, before.uidvalidity);
  EXPECT_EQ(after->uidnext, uid + 1);
  EXPECT_EQ(after->highestmodseq, before.highestmodseq);
  EXPECT_TRUE(after->subscribed);
  auto msgs = store_->messages(7, "Keep");
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].flags, (std::vector<std::string>{"\\Flagged"}));
  EXPECT_EQ(msgs[0].envelope, "(env)");
  EXPECT_EQ(msgs[0].bodystructure, "(body)");
  EXPECT_EQ(msgs[0].internal_date, 1700000000);
  EXPECT_EQ(store_->read_message(7, msgs[0]), message("persist"));
}

TEST_F(StoreTest, DeleteAccountRemovesEverything) {
  store_->create_account(3);
  put(3, message("bye"));
  store_->delete_account(3);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "accounts" / "3"));
  EXPECT_THROW(store_->list_mailboxes(3), NoSuchAccount);
  store_->delete_account(3);  // idempotent
  store_->create_account(3);
  EXPECT_EQ(store_->mailbox(3, "INBOX")->messages, 0u);
}

TEST(MailboxNames, Superiors) {
  EXPECT_EQ(superiors("a/b/c"), (std::vector<std::string>{"a", "a/b"}));
  EXPECT_TRUE(superiors("a").empty());
  EXPECT_EQ(lookup_name("Inbox/x"), "INBOX/x");
  EXPECT_EQ(lookup_name("Inboxes"), "Inboxes");
}

}  // namespace
}  // namespace postamt::store::testing

namespace postamt::store::testing {
namespace {

// change_stamp(): unchanged while nobody writes, moved by a write of another store instance (as
// another process would: `postamt deliver`), 0 for an account without an index.
TEST_F(StoreTest, ChangeStampMovesWithAnyWriter) {
  EXPECT_EQ(store_->change_stamp(42), 0u);
  store_->create_account(1);
  auto before = store_->change_stamp(1);
  EXPECT_NE(before, 0u);
  EXPECT_EQ(store_->change_stamp(1), before);
  auto other = open_sqlite_store(dir_);
  Changes ch;
  other->create_mailbox(1, "Elsewhere", "", ch);
  auto after = store_->change_stamp(1);
  EXPECT_NE(after, before);
  EXPECT_EQ(store_->change_stamp(1), after);
  other->create_mailbox(1, "Again", "", ch);
  EXPECT_NE(store_->change_stamp(1), after);
}

}  // namespace
}  // namespace postamt::store::testing
