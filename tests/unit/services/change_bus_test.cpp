// Tests for the in-process ChangeBus (services/change_bus.hpp): delivery by account, unsubscribe, generations.
#include "services/change_bus.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace postamt::services {
namespace {

store::Change change(store::AccountId account, std::uint32_t uid) {
  store::Change c{};
  c.kind = store::Change::Kind::MessageAdded;
  c.account = account;
  c.mailbox = "INBOX";
  c.uid = uid;
  return c;
}

TEST(ChangeBus, DeliversOnlyTheSubscribersOwnAccount) {
  ChangeBus bus;
  std::vector<std::uint32_t> a, a2, b;
  auto sa = bus.subscribe(1, [&](const store::Change& c) { a.push_back(c.uid); });
  auto sa2 = bus.subscribe(1, [&](const store::Change& c) { a2.push_back(c.uid); });
  auto sb = bus.subscribe(2, [&](const store::Change& c) { b.push_back(c.uid); });
  EXPECT_EQ(bus.subscribers(), 3u);
  bus.publish({change(1, 10), change(2, 20), change(1, 11), change(3, 30)});
  EXPECT_EQ(a, (std::vector<std::uint32_t>{10, 11}));
  EXPECT_EQ(a2, (std::vector<std::uint32_t>{10, 11}));
  EXPECT_EQ(b, (std::vector<std::uint32_t>{20}));
}

TEST(ChangeBus, NothingAfterUnsubscribe) {
  ChangeBus bus;
  int calls = 0;
  auto s1 = bus.subscribe(1, [&](const store::Change&) { ++calls; });
  auto s2 = bus.subscribe(1, [&](const store::Change&) { ++calls; });
  s1.reset();
  EXPECT_EQ(bus.subscribers(), 1u);
  bus.publish({change(1, 1)});
  EXPECT_EQ(calls, 1);
  s2.reset();
  EXPECT_EQ(bus.subscribers(), 0u);
  bus.publish({change(1, 2)});
  EXPECT_EQ(calls, 1);
}

TEST(ChangeBus, GenerationCountsPublicationsPerAccount) {
  ChangeBus bus;
  EXPECT_EQ(bus.generation(1), 0u);
  bus.publish({change(1, 1), change(1, 2)});  // one publication of account 1: one step
  EXPECT_EQ(bus.generation(1), 1u);
  EXPECT_EQ(bus.generation(2), 0u);
  bus.publish({change(2, 1), change(1, 3)});  // no subscribers needed
  EXPECT_EQ(bus.generation(1), 2u);
  EXPECT_EQ(bus.generation(2), 1u);
  bus.publish({});
  EXPECT_EQ(bus.generation(1), 2u);
}

TEST(ChangeBus, GenerationMovesBeforeSubscribersRun) {
  ChangeBus bus;
  std::uint64_t seen = 0;
  auto sub = bus.subscribe(7, [&](const store::Change&) { seen = bus.generation(7); });
  bus.publish({change(7, 1)});
  EXPECT_EQ(seen, 1u);
}

}  // namespace
}  // namespace postamt::services
