// The inbound pipeline against a real directory and store in a temporary data directory.
#include "delivery/pipeline.hpp"
#include "delivery/sieve_targets.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "directory/directory.hpp"
#include "directory/password.hpp"
#include "store/mail_store.hpp"
#include "store/sqlite_store.hpp"

namespace postamt::delivery {
namespace {

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "postamt-pipeline-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    directory_ = std::make_unique<directory::Directory>(directory::Directory::open(dir_));
    store_ = store::open_sqlite_store(dir_);
    directory_->add_domain("example.test");
    for (const char* a : {"anna@example.test", "bert@example.test"}) {
      auto u = directory_->add_user(a, "{PLAIN}pw");
      store_->create_account(u.id);
      ids_.push_back(u.id);
    }
    const std::string team[] = {"anna@example.test", "bert@example.test"};
    directory_->add_alias("team@example.test", team);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Result deliver(std::vector<std::string> to, std::string_view msg, Options opts = {}) {
    Pipeline p(*directory_, *store_, opts);
    Request r;
    r.envelope_from = "sender@example.org";
    r.recipients = std::move(to);
    r.trace_header = "Received: from x by y; Tue, 24 Nov 2026 12:00:00 +0000\r\n";
    return p.deliver(r, msg);
  }
  std::size_t count(int i, const char* mailbox = "INBOX") { return store_->messages(ids_[i], mailbox).size(); }

  std::filesystem::path dir_;
  std::unique_ptr<directory::Directory> directory_;
  std::unique_ptr<store::MailStore> store_;
  std::vector<std::int64_t> ids_;
};

constexpr std::string_view kMessage = "Return-Path: <forged@evil.test>\nSubject: hi\n\nbody\n";

TEST_F(PipelineTest, StoresOnceWithOurReturnPathAndTraceFirst) {
  auto r = deliver({"anna@example.test"}, kMessage);
  ASSERT_EQ(r.recipients.size(), 1u);
  EXPECT_EQ(r.recipients[0].status, Status::Delivered) << r.recipients[0].reason;
  EXPECT_EQ(r.recipients[0].uid, 1u);
  auto msgs = store_->messages(ids_[0], "INBOX");
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(store_->read_message(ids_[0], msgs[0]),
            "Return-Path: <sender@example.org>\r\nReceived: from x by y; Tue, 24 Nov 2026 12:00:00 +0000\r\n"
            "Subject: hi\r\n\r\nbody\r\n");
  EXPECT_NE(msgs[0].envelope.find("\"hi\""), std::string::npos);
  EXPECT_FALSE(msgs[0].bodystructure.empty());
  EXPECT_FALSE(r.changes.empty());
}

TEST_F(PipelineTest, OneCopyPerAccountHoweverManyRecipientsReachIt) {
  auto r = deliver({"anna@example.test", "Anna+x@Example.test", "team@example.test", "nobody@example.test",
                    "x@elsewhere.test"},
                   kMessage);
  ASSERT_EQ(r.recipients.size(), 5u);
  EXPECT_EQ(r.recipients[0].status, Status::Delivered);
  EXPECT_EQ(r.recipients[1].status, Status::Delivered);
  EXPECT_EQ(r.recipients[2].status, Status::Delivered);
  EXPECT_EQ(r.recipients[3].status, Status::UnknownUser);
  EXPECT_EQ(r.recipients[4].status, Status::NotLocal);
  EXPECT_EQ(count(0), 1u);
  EXPECT_EQ(count(1), 1u);
}

TEST_F(PipelineTest, RefusalsStoreNothing) {
  Options small;
  small.max_message_size = 10;
  EXPECT_EQ(deliver({"anna@example.test"}, kMessage, small).recipients[0].status, Status::TooBig);
  EXPECT_EQ(deliver({"anna@example.test"}, "").recipients[0].status, Status::BadMessage);
  EXPECT_EQ(deliver({"anna@example.test"}, "not a header line\n\nbody\n").recipients[0].status,
            Status::BadMessage);
  std::string deep = "Subject: deep\r\n";
  for (int i = 0; i < 100; ++i) deep += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" + std::to_string(i) + "\r\n";
  auto r = deliver({"anna@example.test"}, deep);
  EXPECT_EQ(r.recipients[0].status, Status::BadMessage);
  EXPECT_NE(r.recipients[0].reason.find("MIME"), std::string::npos);
  EXPECT_EQ(count(0), 0u);
}

TEST_F(PipelineTest, MailboxChoiceFallsBackToInbox) {
  Options opts;
  opts.default_mailbox = "Archive";
  deliver({"anna@example.test"}, kMessage, opts);
  EXPECT_EQ(count(0, "Archive"), 1u);
  opts.default_mailbox = "Missing";
  deliver({"anna@example.test"}, kMessage, opts);
  EXPECT_EQ(count(0, "INBOX"), 1u);
}

}  // namespace
}  // namespace postamt::delivery

namespace postamt::delivery {
namespace {

// RFC 4314 "p" (posting_rights.hpp): user+folder@ files into the folder only with anyone's "p", never
// through an alias, never when the request names a mailbox; the detail itself is parsed plainly.
TEST(RecipientDetail, SplitsAtTheFirstDelimiterOfTheLocalPart) {
  EXPECT_EQ(recipient_detail("anna+lists@example.test", '+'), "lists");
  EXPECT_EQ(recipient_detail("anna+a+b@example.test", '+'), "a+b");
  EXPECT_EQ(recipient_detail("anna@exa+mple.test", '+'), "");
  EXPECT_EQ(recipient_detail("anna+lists@example.test", '\0'), "");
  EXPECT_EQ(recipient_detail("anna@example.test", '+'), "");
}

TEST_F(PipelineTest, DetailFolderNeedsAnyonesPostRight) {
  store::Changes ch;
  store_->create_mailbox(ids_[0], "Lists", "", ch);
  Options opts;
  auto r = deliver({"anna+Lists@example.test"}, kMessage, opts);
  EXPECT_EQ(r.recipients[0].status, Status::Delivered) << r.recipients[0].reason;
  EXPECT_EQ(r.recipients[0].mailbox, "INBOX");
  store_->set_acl(ids_[0], "Lists", "bert@example.test", "p");  // a user's "p" is not anyone's
  EXPECT_EQ(deliver({"anna+Lists@example.test"}, kMessage, opts).recipients[0].mailbox, "INBOX");
  store_->set_acl(ids_[0], "Lists", "anyone", "p");
  EXPECT_EQ(deliver({"anna+Lists@example.test"}, kMessage, opts).recipients[0].mailbox, "Lists");
  EXPECT_EQ(deliver({"anna+lists@example.test"}, kMessage, opts).recipients[0].mailbox, "INBOX");  // names are exact
  EXPECT_EQ(deliver({"anna+Nowhere@example.test"}, kMessage, opts).recipients[0].mailbox, "INBOX");
  EXPECT_EQ(deliver({"team+Lists@example.test"}, kMessage, opts).recipients[0].mailbox, "INBOX");  // an alias
  EXPECT_EQ(count(0, "Lists"), 1u);
}

TEST(SieveTargets, ForeignFileintoNeedsTheCallbacksTarget) {
  sieve::Action a;
  a.kind = sieve::Action::Kind::FileInto;
  a.mailbox = "Other Users/b@example.test/Drop";
  auto exists = [](std::string_view) { return true; };
  auto none = sieve_targets({a}, 1, "INBOX", exists);
  ASSERT_EQ(none.targets.size(), 1u);
  EXPECT_EQ(none.targets[0].account, 1);
  EXPECT_EQ(none.targets[0].mailbox, "INBOX");
  a.create = true;  // :create never makes a personal "Other Users/..." mailbox
  EXPECT_TRUE(sieve_targets({a}, 1, "INBOX", exists).create.empty());
  ForeignTarget allow = [](std::string_view) { return std::optional<store::Target>(store::Target{7, "Drop", {}}); };
  auto filed = sieve_targets({a}, 1, "INBOX", exists, allow);
  ASSERT_EQ(filed.targets.size(), 1u);
  EXPECT_EQ(filed.targets[0].account, 7);
  EXPECT_EQ(filed.targets[0].mailbox, "Drop");
}

}  // namespace
}  // namespace postamt::delivery
