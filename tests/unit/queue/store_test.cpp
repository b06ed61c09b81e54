// Queue storage: durable enqueue (file + rows), listing, due jobs per domain, per-recipient updates,
// hold/release/flush/delete, removal when done, reopening (migrations applied once).
#include "queue/store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace postamt::queue {
namespace {
namespace stdfs = std::filesystem;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = stdfs::temp_directory_path() / ("postamt-queue-" + std::to_string(::getpid()) + "-" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    stdfs::remove_all(dir_);
  }
  void TearDown() override { stdfs::remove_all(dir_); }
  NewMessage message() {
    NewMessage m;
    m.sender = "alice@example.test";
    m.envid = "env-1";
    m.ret = "HDRS";
    m.recipients = {{"bob@one.test", "FAILURE,DELAY", "rfc822;bob@one.test"},
                    {"carol@two.test", "", ""},
                    {"dave@ONE.test", "NEVER", ""}};
    return m;
  }
  stdfs::path dir_;
};

TEST_F(StoreTest, EnqueueWritesFileAndRows) {
  QueueStore q(dir_);
  std::string id = q.enqueue(message(), "Subject: hi\r\n\r\nbody\r\n");
  EXPECT_EQ(id.size(), 16u);
  EXPECT_TRUE(stdfs::exists(q.message_path(id)));
  EXPECT_EQ(q.read_message(id), "Subject: hi\r\n\r\nbody\r\n");
  auto m = q.get(id);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->sender, "alice@example.test");
  EXPECT_EQ(m->envid, "env-1");
  EXPECT_EQ(m->ret, "HDRS");
  EXPECT_EQ(m->size, 21u);
  ASSERT_EQ(m->recipients.size(), 3u);
  EXPECT_EQ(m->recipients[0].notify, "FAILURE,DELAY");
  EXPECT_EQ(m->recipients[0].orcpt, "rfc822;bob@one.test");
  EXPECT_EQ(m->recipients[2].domain, "one.test");
  EXPECT_EQ(m->recipients[0].state, RcptState::Pending);
  EXPECT_THROW(q.enqueue(NewMessage{}, "x"), std::invalid_argument);
}

TEST_F(StoreTest, SurvivesReopen) {
  std::string id;
  {
    QueueStore q(dir_);
    id = q.enqueue(message(), "x\r\n");
  }
  QueueStore again(dir_);
  ASSERT_EQ(again.list().size(), 1u);
  EXPECT_EQ(again.list()[0].id, id);
}

TEST_F(StoreTest, DueJobsAreGroupedByDomain) {
  QueueStore q(dir_);
  std::string id = q.enqueue(message(), "x\r\n");
  auto jobs = q.due(std::time(nullptr), 10);
  ASSERT_EQ(jobs.size(), 2u);
  for (const auto& j : jobs) EXPECT_EQ(j.message_id, id);
  EXPECT_NE(jobs[0].domain, jobs[1].domain);
  ASSERT_TRUE(q.next_due());
}

TEST_F(StoreTest, UpdatesRescheduleAndFinish) {
  QueueStore q(dir_);
  std::string id = q.enqueue(message(), "x\r\n");
  auto m = *q.get(id);
  auto later = std::time(nullptr) + 3600;
  for (auto r : m.recipients) {
    r.attempts = 1;
    r.next_attempt = later;
    r.last_reply = "451 4.4.1 try later";
    q.update_recipient(r);
  }
  EXPECT_TRUE(q.due(std::time(nullptr), 10).empty());
  EXPECT_EQ(*q.next_due(), later);
  EXPECT_EQ(q.flush(id), 3);
  EXPECT_EQ(q.due(std::time(nullptr), 10).size(), 2u);
  m = *q.get(id);
  EXPECT_EQ(m.recipients[0].last_reply, "451 4.4.1 try later");
  EXPECT_EQ(m.recipients[0].attempts, 1);
  m.recipients[0].state = RcptState::Delivered;
  m.recipients[1].state = RcptState::Failed;
  q.update_recipient(m.recipients[0]);
  q.update_recipient(m.recipients[1]);
  EXPECT_FALSE(q.remove_if_done(id));  // one still pending
  m.recipients[2].state = RcptState::Delivered;
  q.update_recipient(m.recipients[2]);
  EXPECT_TRUE(q.remove_if_done(id));
  EXPECT_FALSE(q.get(id));
  EXPECT_FALSE(stdfs::exists(q.message_path(id)));
}

TEST_F(StoreTest, HoldReleaseDelete) {
  QueueStore q(dir_);
  std::string id = q.enqueue(message(), "x\r\n");
  EXPECT_TRUE(q.set_held(id, true));
  EXPECT_TRUE(q.due(std::time(nullptr), 10).empty());
  EXPECT_FALSE(q.next_due());
  EXPECT_TRUE(q.get(id)->held);
  EXPECT_TRUE(q.set_held(id, false));
  EXPECT_EQ(q.due(std::time(nullptr), 10).size(), 2u);
  EXPECT_FALSE(q.set_held("0000000000000000", true));
  EXPECT_TRUE(q.remove(id));
  EXPECT_FALSE(q.remove(id));
  EXPECT_TRUE(q.list().empty());
  EXPECT_FALSE(stdfs::exists(q.message_path(id)));
}

TEST(QueueIds, AreUniqueHex) {
  auto a = new_queue_id(), b = new_queue_id();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(domain_of("User@Example.TEST"), "example.test");
  EXPECT_EQ(domain_of("postmaster"), "");
}

}  // namespace
}  // namespace postamt::queue
