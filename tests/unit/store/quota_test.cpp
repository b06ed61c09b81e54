// Quota in the SQLite store (RFC 9208): usage kept exact by every write, limits per account or the
// default, over-quota copies refused whole with nothing left behind, exact usage under concurrency.
#include <thread>

#include "store_fixture.hpp"

namespace postamt::store::testing {
namespace {

// Usage recomputed from the messages themselves.
QuotaUsage recount(MailStore& st, AccountId a) {
  QuotaUsage u;
  for (const auto& box : st.list_mailboxes(a)) {
    u.messages += box.messages;
    u.storage_bytes += box.size;
  }
  return u;
}

void expect_exact(MailStore& st, AccountId a) {
  auto q = st.quota(a);
  auto r = recount(st, a);
  EXPECT_EQ(q.usage.messages, r.messages);
  EXPECT_EQ(q.usage.storage_bytes, r.storage_bytes);
}

TEST_F(StoreTest, QuotaUsageFollowsEveryWrite) {
  store_->create_account(1);
  EXPECT_EQ(store_->quota(1).usage.messages, 0u);
  EXPECT_FALSE(store_->quota(1).custom);
  EXPECT_EQ(store_->quota(1).limits, QuotaLimits{});
  auto m1 = message("one"), m2 = message("two", std::string(3000, 'x') + "\r\n");
  auto u1 = put(1, m1);
  put(1, m2);
  auto q = store_->quota(1);
  EXPECT_EQ(q.usage.messages, 2u);
  EXPECT_EQ(q.usage.storage_bytes, m1.size() + m2.size());
  EXPECT_EQ(q.usage.storage_kib(), (m1.size() + m2.size() + 1023) / 1024);
  Changes ch;
  std::uint32_t both[] = {1, 2};
  store_->copy_messages(1, "INBOX", both, "Archive", ch);
  EXPECT_EQ(store_->quota(1).usage.messages, 4u);
  store_->move_messages(1, "Archive", both, "Trash", ch);  // the copies got UIDs 1 and 2 in Archive
  EXPECT_EQ(store_->quota(1).usage.messages, 4u);
  expect_exact(*store_, 1);
  std::uint32_t first[] = {u1};
  store_->expunge(1, "INBOX", first, ch);
  EXPECT_EQ(store_->quota(1).usage.messages, 3u);
  store_->delete_mailbox(1, "Trash", ch);
  EXPECT_EQ(store_->quota(1).usage.messages, 1u);
  EXPECT_EQ(store_->quota(1).usage.storage_bytes, m2.size());
  store_->create_mailbox(1, "Box", "", ch);
  put(1, m1, "Box");
  store_->rename_mailbox(1, "INBOX", "Old", ch);  // RFC 9051 §6.3.6: messages move, usage stays
  expect_exact(*store_, 1);
  EXPECT_EQ(store_->quota(1).usage.messages, 2u);
  reopen();
  expect_exact(*store_, 1);
}

TEST_F(StoreTest, OverQuotaDeliveryStoresNothingForThatAccount) {
  store_->create_account(1);
  store_->create_account(2);
  auto big = message("big", std::string(4000, 'y') + "\r\n");
  store_->set_quota(1, QuotaLimits{4, std::nullopt});  // 4 KiB
  std::vector<Target> targets{{1, "INBOX", {}}, {1, "Archive", {}}, {2, "INBOX", {}}};
  Changes ch;
  auto stored = store_->deliver(big, NewMessage{1, "", ""}, targets, ch);
  ASSERT_EQ(stored.size(), 3u);
  // Two copies for account 1 (8 KiB) do not fit: both refused, account 2's copy stored.
  int refused = 0;
  for (const auto& s : stored) {
    if (s.account == 1) {
      EXPECT_EQ(s.over_quota, "STORAGE");
      EXPECT_EQ(s.uid, 0u);
      ++refused;
    } else {
      EXPECT_TRUE(s.over_quota.empty());
      EXPECT_EQ(s.uid, 1u);
    }
  }
  EXPECT_EQ(refused, 2);
  EXPECT_EQ(ch.size(), 1u);
  EXPECT_EQ(store_->quota(1).usage.messages, 0u);
  EXPECT_TRUE(store_->messages(1, "INBOX").empty());
  EXPECT_EQ(count_files(dir_ / "accounts" / "1" / "blobs"), 0u);  // no file left behind
  // One copy fits.
  Target one{1, "INBOX", {}};
  stored = store_->deliver(big, NewMessage{1, "", ""}, std::span<const Target>(&one, 1), ch);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_TRUE(stored[0].over_quota.empty());
  EXPECT_EQ(store_->quota(1).usage.messages, 1u);
  EXPECT_TRUE(store_->fsck(false).problems.empty());
}

TEST_F(StoreTest, MessageLimitAndDefaults) {
  StoreOptions options;
  options.default_quota.messages = 2;
  store_.reset();
  store_ = open_sqlite_store(dir_, options);
  store_->create_account(1);
  EXPECT_EQ(store_->quota(1).limits.messages, std::optional<std::uint64_t>(2));
  put(1, message("a"));
  put(1, message("b"));
  Target t{1, "INBOX", {}};
  Changes ch;
  auto stored = store_->deliver(message("c"), NewMessage{1, "", ""}, std::span<const Target>(&t, 1), ch);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].over_quota, "MESSAGE");
  // The account's own limits replace the default; an explicit "no limit" is kept apart from "default".
  store_->set_quota(1, QuotaLimits{});
  EXPECT_TRUE(store_->quota(1).custom);
  EXPECT_EQ(store_->quota(1).limits, QuotaLimits{});
  put(1, message("c"));
  store_->set_quota(1, std::nullopt);
  EXPECT_FALSE(store_->quota(1).custom);
  EXPECT_EQ(store_->quota(1).limits.messages, std::optional<std::uint64_t>(2));
  // Over a lowered limit, nothing is added but expunge and move still work.
  std::uint32_t uid[] = {1};
  store_->move_messages(1, "INBOX", uid, "Archive", ch);
  EXPECT_THROW(store_->copy_messages(1, "Archive", uid, "INBOX", ch), QuotaExceeded);
  store_->expunge(1, "Archive", uid, ch);
  EXPECT_EQ(store_->quota(1).usage.messages, 2u);
  expect_exact(*store_, 1);
}

TEST_F(StoreTest, RefuseBatchModeThrowsAndStoresNothing) {
  store_->create_account(1);
  store_->set_quota(1, QuotaLimits{std::nullopt, 1});
  NewMessage meta{1, "", ""};
  Target t{1, "INBOX", {}};
  std::string a = message("a"), b = message("b");
  BatchItem items[] = {{a, &meta, std::span<const Target>(&t, 1)}, {b, &meta, std::span<const Target>(&t, 1)}};
  Changes ch;
  try {
    store_->deliver_batch(items, ch, MailStore::QuotaMode::RefuseBatch);
    FAIL() << "expected QuotaExceeded";
  } catch (const QuotaExceeded& e) {
    EXPECT_EQ(e.account(), 1);
    EXPECT_EQ(e.resource(), "MESSAGE");
  }
  EXPECT_TRUE(ch.empty());
  EXPECT_TRUE(store_->messages(1, "INBOX").empty());
  EXPECT_EQ(count_files(dir_ / "accounts" / "1" / "blobs"), 0u);
  // Per copy: the first fits, the second is refused.
  auto r = store_->deliver_batch(items, ch);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(r[0][0].over_quota.empty());
  EXPECT_EQ(r[1][0].over_quota, "MESSAGE");
  expect_exact(*store_, 1);
}

TEST_F(StoreTest, CopyOverQuotaFailsWhole) {
  store_->create_account(1);
  put(1, message("a"));
  put(1, message("b"));
  store_->set_quota(1, QuotaLimits{std::nullopt, 3});
  Changes ch;
  std::uint32_t both[] = {1, 2};
  EXPECT_THROW(store_->copy_messages(1, "INBOX", both, "Archive", ch), QuotaExceeded);
  EXPECT_TRUE(ch.empty());
  EXPECT_TRUE(store_->messages(1, "Archive").empty());
  EXPECT_EQ(store_->mailbox(1, "Archive")->uidnext, 1u);  // rolled back whole
  std::uint32_t one[] = {1};
  EXPECT_EQ(store_->copy_messages(1, "INBOX", one, "Archive", ch).size(), 1u);
  expect_exact(*store_, 1);
}

// QuotaMode::Ignore (the quota warning message only): stored even over the limit, and counted.
TEST_F(StoreTest, IgnoreModeStoresOverTheLimitAndCountsIt) {
  store_->create_account(1);
  store_->set_quota(1, QuotaLimits{1, 1});
  put(1, message("fills it", std::string(800, 'x') + "\r\n"));
  NewMessage meta{1, "", ""};
  Target t{1, "INBOX", {}};
  std::string warning = message("warning", std::string(500, 'w') + "\r\n");
  BatchItem item[] = {{warning, &meta, std::span<const Target>(&t, 1)}};
  Changes ch;
  EXPECT_EQ(store_->deliver_batch(item, ch)[0][0].over_quota, "STORAGE");  // refused normally
  auto r = store_->deliver_batch(item, ch, MailStore::QuotaMode::Ignore);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0][0].over_quota.empty());
  EXPECT_EQ(store_->quota(1).usage.messages, 2u);  // over its limit of 1 now
  expect_exact(*store_, 1);
  EXPECT_EQ(store_->deliver_batch(item, ch)[0][0].over_quota, "STORAGE");  // the next one is refused
}

TEST_F(StoreTest, WarningOnceWhenReached) {
  StoreOptions options;
  options.warning_percent = 50;
  store_.reset();
  store_ = open_sqlite_store(dir_, options);
  store_->create_account(1);
  store_->set_quota(1, QuotaLimits{std::nullopt, 4});
  put(1, message("a"));
  EXPECT_FALSE(store_->take_quota_warning(1));
  put(1, message("b"));
  EXPECT_TRUE(store_->take_quota_warning(1));
  EXPECT_FALSE(store_->take_quota_warning(1));
  put(1, message("c"));
  EXPECT_FALSE(store_->take_quota_warning(1));
  Changes ch;
  std::uint32_t uids[] = {1, 2};
  store_->expunge(1, "INBOX", uids, ch);
  EXPECT_FALSE(store_->take_quota_warning(1));  // below again: re-armed
  put(1, message("d"));
  EXPECT_TRUE(store_->take_quota_warning(1));
}

// 320 deliveries from 8 threads into two accounts racing with expunges: usage equals the recount,
// and a message limit is never passed.
TEST_F(StoreTest, UsageExactUnderConcurrentDeliveriesAndExpunges) {
  store_->create_account(1);
  store_->create_account(2);
  constexpr std::uint64_t kLimit = 50;
  store_->set_quota(2, QuotaLimits{std::nullopt, kLimit});
  constexpr int kThreads = 8, kEach = 40;
  std::atomic<int> refused{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        for (int i = 0; i < kEach; ++i) {
          auto text = message("t" + std::to_string(t) + " m" + std::to_string(i), std::string(100 + i, 'z') + "\r\n");
          std::vector<Target> targets{{1, "INBOX", {}}, {2, "INBOX", {}}};
          Changes ch;
          for (const auto& s : store_->deliver(text, NewMessage{1, "", ""}, targets, ch))
            if (!s.over_quota.empty()) ++refused;
          if (i % 5 == 4) {
            // Expunge this thread's oldest messages in account 1 and some in account 2.
            for (AccountId a : {1, 2}) {
              auto msgs = store_->messages(a, "INBOX");
              std::vector<std::uint32_t> uids;
              for (const auto& m : msgs)
                if (m.uid % kThreads == static_cast<std::uint32_t>(t) && uids.size() < 3) uids.push_back(m.uid);
              store_->expunge(a, "INBOX", uids, ch);
            }
          }
          if (store_->quota(2).usage.messages > kLimit) ++failures;
        }
      } catch (const std::exception&) {
        ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  expect_exact(*store_, 1);
  expect_exact(*store_, 2);
  EXPECT_LE(store_->quota(2).usage.messages, kLimit);
  EXPECT_GT(refused.load(), 0);
  EXPECT_GT(store_->quota(1).usage.messages, 0u);
  EXPECT_TRUE(store_->fsck(false).problems.empty());
}

}  // namespace
}  // namespace postamt::store::testing
