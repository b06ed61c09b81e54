// Sieve actions performed at delivery against a real directory, store and tracking in a temporary
// data directory; the outbound queue is a recording callback (the pipeline's Enqueue seam).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>

#include "delivery/pipeline.hpp"
#include "delivery/sieve_messages.hpp"
#include "directory/directory.hpp"
#include "store/mail_store.hpp"
#include "store/sieve_scripts.hpp"
#include "store/sqlite_store.hpp"

namespace postamt::delivery {
namespace {

class SieveDeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "postamt-sievedel-XXXXXX").string();
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
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void script(int user, const std::string& source) {
    store::SieveScripts s(dir_, ids_[user]);
    s.put("main", source);
    s.activate("main");
  }

  Result deliver(std::vector<std::string> to, std::string_view msg, RejectReply mode = RejectReply::PerRecipient,
                 std::string from = "sender@example.org") {
    Options opts;
    opts.data_dir = dir_;
    opts.hostname = "mx.example.test";
    opts.sieve = sieve_;
    if (queue_works_) {
      opts.enqueue = [this](const Outgoing& o) {
        if (fail_enqueue_) throw std::runtime_error("disk full");
        queued_.push_back(o);
        return "q" + std::to_string(queued_.size());
      };
    }
    Pipeline p(*directory_, *store_, opts);
    Request r;
    r.envelope_from = std::move(from);
    r.recipients = std::move(to);
    r.reject_reply = mode;
    return p.deliver(r, msg);
  }
  std::size_t count(int i, const char* mailbox = "INBOX") { return store_->messages(ids_[i], mailbox).size(); }

  std::filesystem::path dir_;
  std::unique_ptr<directory::Directory> directory_;
  std::unique_ptr<store::MailStore> store_;
  std::vector<std::int64_t> ids_;
  std::vector<Outgoing> queued_;
  bool queue_works_ = true;
  bool fail_enqueue_ = false;
  config::SieveConfig sieve_;
};

constexpr std::string_view kMessage =
    "From: Sender <sender@example.org>\r\nTo: anna@example.test\r\nSubject: urgent matter\r\n"
    "Message-ID: <m1@example.org>\r\n\r\nbody\r\n";

TEST_F(SieveDeliveryTest, RedirectGoesToTheQueueWithTheOriginalSenderAndAMarker) {
  script(0, "redirect \"boss@elsewhere.test\";");
  auto r = deliver({"anna@example.test"}, kMessage);
  EXPECT_EQ(r.recipients[0].status, Status::Delivered) << r.recipients[0].reason;
  EXPECT_EQ(count(0), 0u);  // redirect cancels the implicit keep
  ASSERT_EQ(queued_.size(), 1u);
  EXPECT_EQ(queued_[0].kind, "redirect");
  EXPECT_EQ(queued_[0].sender, "sender@example.org");
  EXPECT_EQ(queued_[0].recipients, std::vector<std::string>{"boss@elsewhere.test"});
  EXPECT_EQ(queued_[0].message.rfind("X-Sieve-Redirected-By: <anna@example.test>\r\nFrom: Sender", 0), 0u)
      << queued_[0].message;
  EXPECT_EQ(queued_[0].message.find("Return-Path"), std::string::npos);
}

TEST_F(SieveDeliveryTest, RedirectCopyKeepsAndNullSenderStaysNull) {
  script(0, "require \"copy\"; redirect :copy \"boss@elsewhere.test\";");
  auto r = deliver({"anna@example.test"}, kMessage, RejectReply::PerRecipient, "");
  EXPECT_EQ(r.recipients[0].status, Status::Delivered);
  EXPECT_EQ(count(0), 1u);
  ASSERT_EQ(queued_.size(), 1u);
  EXPECT_EQ(queued_[0].sender, "");
}

TEST_F(SieveDeliveryTest, RedirectLoopIsKeptInstead) {
  script(0, "redirect \"bert@example.test\";");
  std::string looped = "X-Sieve-Redirected-By: <ANNA@example.test>\r\n" + std::string(kMessage);
  auto r = deliver({"anna@example.test"}, looped);
  EXPECT_EQ(r.recipients[0].status, Status::Delivered);
  EXPECT_EQ(count(0), 1u);
  EXPECT_TRUE(queued_.empty());
}

TEST_F(SieveDeliveryTest, RedirectThatCannotBeQueuedIsATemporaryFailure) {
  script(0, "redirect \"boss@elsewhere.test\";");
  fail_enqueue_ = true;
  EXPECT_EQ(deliver({"anna@example.test"}, kMessage).recipients[0].status, Status::TempFailure);
  queue_works_ = false;  // no queue at all: the message is kept, never lost
  EXPECT_EQ(deliver({"anna@example.test"}, kMessage).recipients[0].status, Status::Delivered);
  EXPECT_EQ(count(0), 1u);
}

TEST_F(SieveDeliveryTest, RejectPerRecipientIsRefusedInProtocol) {
  script(0, "require \"reject\"; reject \"not wanted\nhere\";");
  auto r = deliver({"anna@example.test", "bert@example.test"}, kMessage);
  EXPECT_EQ(r.recipients[0].status, Status::Rejected);
  EXPECT_EQ(r.recipients[0].reason, "not wanted\nhere");
  EXPECT_EQ(r.recipients[1].status, Status::Delivered);
  EXPECT_EQ(count(0), 0u);
  EXPECT_EQ(count(1), 1u);
  EXPECT_TRUE(queued_.empty());
}

TEST_F(SieveDeliveryTest, RejectOverSmtpWithOthersAcceptingSendsAnMdn) {
  script(0, "require \"reject\"; reject \"not wanted\";");
  auto r = deliver({"anna@example.test", "bert@example.test"}, kMessage, RejectReply::IfAllRefuse);
  EXPECT_EQ(r.recipients[0].status, Status::Delivered);
  EXPECT_EQ(count(0), 0u);
  ASSERT_EQ(queued_.size(), 1u);
  EXPECT_EQ(queued_[0].sender, "");  // never bounced itself
  EXPECT_EQ(queued_[0].recipients, std::vector<std::string>{"sender@example.org"});
  EXPECT_NE(queued_[0].message.find("report-type=disposition-notification"), std::string::npos);
  EXPECT_NE(queued_[0].message.find("automatic-action/MDN-sent-automatically; deleted"), std::string::npos);
  EXPECT_NE(queued_[0].message.find("not wanted"), std::string::npos);
  EXPECT_NE(queued_[0].message.find("Subject: urgent matter"), std::string::npos);  // the original, attached
}

TEST_F(SieveDeliveryTest, RejectOverSmtpAloneIsRefusedAndEverejectWithOthersSendsADsn) {
  script(0, "require \"ereject\"; ereject \"go away\";");
  auto alone = deliver({"anna@example.test"}, kMessage, RejectReply::IfAllRefuse);
  EXPECT_EQ(alone.recipients[0].status, Status::Rejected);
  EXPECT_TRUE(queued_.empty());
  deliver({"anna@example.test", "bert@example.test"}, kMessage, RejectReply::IfAllRefuse);
  ASSERT_EQ(queued_.size(), 1u);
  EXPECT_NE(queued_[0].message.find("report-type=delivery-status"), std::string::npos);
  EXPECT_NE(queued_[0].message.find("Action: failed\r\nStatus: 5.7.1"), std::string::npos);
  // A null sender never gets a notice (RFC 5429 §2.1).
  queued_.clear();
  deliver({"anna@example.test", "bert@example.test"}, kMessage, RejectReply::Never, "");
  EXPECT_TRUE(queued_.empty());
}

TEST_F(SieveDeliveryTest, VacationRepliesOncePerSenderWithinThePeriod) {
  script(0, "require \"vacation\"; vacation :days 3 :subject \"Away\" \"I am away.\";");
  auto r = deliver({"anna@example.test"}, kMessage);
  EXPECT_EQ(r.recipients[0].status, Status::Delivered);
  EXPECT_EQ(count(0), 1u);  // vacation keeps the implicit keep
  ASSERT_EQ(queued_.size(), 1u);
  const auto& v = queued_[0];
  EXPECT_EQ(v.sender, "");
  EXPECT_EQ(v.recipients, std::vector<std::string>{"sender@example.org"});
  EXPECT_NE(v.message.find("\r\nSubject: Away\r\n"), std::string::npos);
  EXPECT_NE(v.message.find("\r\nAuto-Submitted: auto-replied"), std::string::npos);
  EXPECT_NE(v.message.find("\r\nIn-Reply-To: <m1@example.org>\r\n"), std::string::npos);
  EXPECT_EQ(v.message.rfind("From: <anna@example.test>\r\nTo: <sender@example.org>\r\n", 0), 0u) << v.message;
  EXPECT_NE(v.message.find("\r\n\r\nI am away.\r\n"), std::string::npos);
  deliver({"anna@example.test"}, kMessage);
  EXPECT_EQ(queued_.size(), 1u);  // the same sender within :days: no second reply
  deliver({"anna@example.test"}, kMessage, RejectReply::PerRecipient, "other@example.org");
  EXPECT_EQ(queued_.size(), 2u);
}

TEST_F(SieveDeliveryTest, VacationNeverAnswersListsOrAutomaticMail) {
  script(0, "require \"vacation\"; vacation \"I am away.\";");
  deliver({"anna@example.test"}, "List-Id: <l.example.org>\r\n" + std::string(kMessage));
  deliver({"anna@example.test"}, "Auto-Submitted: auto-generated\r\n" + std::string(kMessage));
  deliver({"anna@example.test"}, kMessage, RejectReply::PerRecipient, "");
  EXPECT_TRUE(queued_.empty());
  EXPECT_EQ(count(0), 3u);
}

TEST_F(SieveDeliveryTest, VacationNotRecordedWhenTheReplyCouldNotBeQueued) {
  script(0, "require \"vacation\"; vacation \"I am away.\";");
  fail_enqueue_ = true;
  EXPECT_EQ(deliver({"anna@example.test"}, kMessage).recipients[0].status, Status::Delivered);
  fail_enqueue_ = false;
  deliver({"anna@example.test"}, kMessage);
  EXPECT_EQ(queued_.size(), 1u);
}

TEST_F(SieveDeliveryTest, DuplicateIsRememberedAfterDelivery) {
  script(0, "require [\"duplicate\", \"fileinto\"]; if duplicate { fileinto \"Trash\"; }");
  deliver({"anna@example.test"}, kMessage);
  deliver({"anna@example.test"}, kMessage);
  deliver({"anna@example.test"}, "Message-ID: <other@example.org>\r\nSubject: x\r\n\r\nb\r\n");
  EXPECT_EQ(count(0), 2u);
  EXPECT_EQ(count(0, "Trash"), 1u);
}

TEST_F(SieveDeliveryTest, FileintoCreateMakesTheMailbox) {
  script(0, "require [\"fileinto\", \"mailbox\"]; fileinto :create \"INBOX.Lists.New\"; fileinto \"Missing\";");
  auto r = deliver({"anna@example.test"}, kMessage);
  EXPECT_EQ(r.recipients[0].status, Status::Delivered);
  EXPECT_EQ(count(0, "Lists/New"), 1u);
  EXPECT_EQ(count(0), 1u);  // without :create a missing mailbox still means INBOX
  bool created = false;
  for (const auto& c : r.changes) created |= c.kind == store::Change::Kind::MailboxCreated;
  EXPECT_TRUE(created);
}

TEST_F(SieveDeliveryTest, SpamtestAndVirustestReadTheConfiguredHeaders) {
  script(0, "require [\"spamtestplus\", \"virustest\", \"relational\", \"comparator-i;ascii-numeric\", \"fileinto\","
            " \"mailbox\"];\n"
            "if virustest :value \"ge\" :comparator \"i;ascii-numeric\" \"4\" { fileinto :create \"Virus\"; stop; }\n"
            "if spamtest :percent :value \"ge\" :comparator \"i;ascii-numeric\" \"50\" { fileinto :create \"Junk\"; }\n"
            "if spamtest :count \"eq\" :comparator \"i;ascii-numeric\" \"0\" { fileinto :create \"Untested\"; }\n");
  const std::string spam = "X-Spam-Status: Yes, score=7.3 required=5.0\r\n" + std::string(kMessage);
  const std::string ham = "X-Spam-Status: No, score=1.2 required=5.0\r\n" + std::string(kMessage);
  const std::string virus = "X-Virus-Scan: infected\r\n" + ham;
  // Not configured (the default): every message is untested.
  deliver({"anna@example.test"}, spam);
  EXPECT_EQ(count(0, "Untested"), 1u);
  sieve_.spamtest.header = "X-Spam-Status: score=(-?[0-9.]+)";
  sieve_.spamtest.max_header = "X-Spam-Status: required=([0-9.]+)";
  sieve_.virustest.header = "X-Virus-Scan";
  sieve_.virustest.type = "text";
  sieve_.virustest.text = {{"clean", 1}, {"infected", 5}};
  deliver({"anna@example.test"}, spam);
  deliver({"anna@example.test"}, ham);
  deliver({"anna@example.test"}, virus);
  deliver({"anna@example.test"}, kMessage);
  EXPECT_EQ(count(0, "Junk"), 1u);
  EXPECT_EQ(count(0, "Virus"), 1u);
  EXPECT_EQ(count(0, "Untested"), 2u);  // the first, and the one without the header
  EXPECT_EQ(count(0), 1u);              // the ham
}

TEST_F(SieveDeliveryTest, RemoteAliasTargetsAreQueuedWithTheSenderKept) {
  const std::string targets[] = {"anna@example.test", "far@remote.test", "Far@remote.test"};
  directory_->add_alias("team@example.test", targets);
  const std::string remote_only[] = {"x@remote.test"};
  directory_->add_alias("ext@example.test", remote_only);
  auto r = deliver({"team@example.test", "ext@example.test"}, kMessage);
  EXPECT_EQ(r.recipients[0].status, Status::Delivered);
  EXPECT_EQ(r.recipients[1].status, Status::Delivered);
  EXPECT_EQ(count(0), 1u);
  ASSERT_EQ(queued_.size(), 1u);
  EXPECT_EQ(queued_[0].kind, "alias");
  EXPECT_EQ(queued_[0].sender, "sender@example.org");
  EXPECT_EQ(queued_[0].recipients, (std::vector<std::string>{"far@remote.test", "x@remote.test"}));
  fail_enqueue_ = true;
  EXPECT_EQ(deliver({"ext@example.test"}, kMessage).recipients[0].status, Status::TempFailure);
}

TEST(ProtocolReason, AsciiLinesOrFallback) {
  sieve::Action a;
  a.kind = sieve::Action::Kind::Reject;
  a.reason = "line one\r\nline\ttwo\r\n\r\n";
  EXPECT_EQ(protocol_reason(a), "line one\nline two");
  a.reason = "gr\xc3\xbc\xc3\x9f" "e";
  EXPECT_EQ(protocol_reason(a), std::nullopt);  // RFC 5429 §2.2: reject keeps its text, so MDN instead
  a.kind = sieve::Action::Kind::Ereject;
  EXPECT_EQ(protocol_reason(a), "Message refused by the recipient's mail filter");
}

TEST(VacationReply, EncodesSubjectAndMimeBody) {
  std::string original = "Subject: hi\r\nMessage-ID: <a@b>\r\nReferences: <z@b>\r\n\r\nx\r\n";
  auto parsed = mime::parse(original);
  sieve::Action a;
  a.kind = sieve::Action::Kind::Vacation;
  a.address = "s@example.org";
  a.recipient = "anna@example.test";
  a.subject = "Abwesenheit: Grüße";
  a.reply_to_message_id = "<a@b>";
  a.mime = true;
  a.reason = "Content-Type: text/html\r\nX-Evil: 1\r\nFrom: spoof@x\r\n\r\n<p>away</p>";
  std::string m = vacation_reply(a, "anna@example.test", original, parsed, "mx", 0);
  EXPECT_NE(m.find("Subject: =?UTF-8?B?"), std::string::npos) << m;
  EXPECT_NE(m.find("References: <z@b> <a@b>\r\n"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/html\r\n\r\n<p>away</p>"), std::string::npos) << m;
  EXPECT_EQ(m.find("X-Evil"), std::string::npos);
  EXPECT_EQ(m.find("spoof@x"), std::string::npos);
}

}  // namespace
}  // namespace postamt::delivery

namespace postamt::delivery {
namespace {

// Issue 8: a Sieve fileinto over quota is not filed anywhere else (RFC 5228 §2.10.6: keep would
// land in the same full quota root): the recipient gets the temporary over-quota status and nothing
// is stored, neither in the folder nor in INBOX; the other recipient still gets the message.
TEST_F(SieveDeliveryTest, FileintoOverQuotaStoresNothingAndIsTemporary) {
  store::Changes ch;
  store_->create_mailbox(ids_[0], "Urgent", "", ch);
  script(0, "require \"fileinto\"; fileinto \"Urgent\";");
  store::QuotaLimits limits;
  limits.messages = 0;
  store_->set_quota(ids_[0], limits);
  auto r = deliver({"anna@example.test", "bert@example.test"}, kMessage);
  ASSERT_EQ(r.recipients.size(), 2u);
  EXPECT_EQ(r.recipients[0].status, Status::OverQuota) << r.recipients[0].reason;
  EXPECT_EQ(r.recipients[1].status, Status::Delivered) << r.recipients[1].reason;
  EXPECT_EQ(count(0, "Urgent"), 0u);
  EXPECT_EQ(count(0), 0u);
  EXPECT_EQ(count(1), 1u);
}

}  // namespace
}  // namespace postamt::delivery
