// Tests for the shared ENVELOPE / BODYSTRUCTURE cache (imap/envelope_cache.hpp) and the session's
// message list lookups (Selected::index_of).
#include "imap/envelope_cache.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "imap/session.hpp"

namespace postamt::imap {
namespace {

store::MessageInfo message(std::uint32_t uid, std::string blob, std::string envelope, std::string bodystructure) {
  store::MessageInfo m{};
  m.uid = uid;
  m.modseq = uid;
  m.blob = std::move(blob);
  m.envelope = std::move(envelope);
  m.bodystructure = std::move(bodystructure);
  return m;
}

TEST(EnvelopeCache, KeepsAndReturnsByBlob) {
  EnvelopeCache cache;
  EXPECT_EQ(cache.get("aa"), nullptr);
  cache.put("aa", {"(env a)", "(bs a)"});
  cache.put("bb", {"(env b)", "(bs b)"});
  auto a = cache.get("aa");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->envelope, "(env a)");
  EXPECT_EQ(a->bodystructure, "(bs a)");
  EXPECT_EQ(cache.get("bb")->envelope, "(env b)");
  EXPECT_EQ(cache.entries(), 2u);
}

TEST(EnvelopeCache, ASecondPutOfTheSameBlobKeepsOneEntry) {
  EnvelopeCache cache;
  cache.put("aa", {"(first)", "(bs)"});
  const auto bytes = cache.bytes();
  cache.put("aa", {"(second)", "(bs)"});  // same content hash: same bytes, so the first value stays
  EXPECT_EQ(cache.entries(), 1u);
  EXPECT_EQ(cache.bytes(), bytes);
  EXPECT_EQ(cache.get("aa")->envelope, "(first)");
}

TEST(EnvelopeCache, IgnoresEmptyValuesAndBlobs) {
  EnvelopeCache cache;
  cache.put("aa", {"", ""});
  cache.put("", {"(env)", "(bs)"});
  EXPECT_EQ(cache.entries(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(EnvelopeCache, EvictsLeastRecentlyUsedPastTheBound) {
  const std::string big(1000, 'x');
  EnvelopeCache cache(3 * 1200);  // room for three entries of about 1.2 KB
  cache.put("1", {big, "b"});
  cache.put("2", {big, "b"});
  cache.put("3", {big, "b"});
  ASSERT_EQ(cache.entries(), 3u);
  ASSERT_NE(cache.get("1"), nullptr);  // 1 is now the most recent: 2 goes first
  cache.put("4", {big, "b"});
  EXPECT_EQ(cache.entries(), 3u);
  EXPECT_EQ(cache.get("2"), nullptr);
  EXPECT_NE(cache.get("1"), nullptr);
  EXPECT_NE(cache.get("3"), nullptr);
  EXPECT_NE(cache.get("4"), nullptr);
  EXPECT_LE(cache.bytes(), 3u * 1200);
}

TEST(EnvelopeCache, AnEvictedValueStaysValidForItsHolder) {
  EnvelopeCache cache(1);  // every put evicts the previous entry
  cache.put("1", {"(one)", "(bs)"});
  auto held = cache.get("1");
  cache.put("2", {"(two)", "(bs)"});
  EXPECT_EQ(cache.get("1"), nullptr);
  ASSERT_NE(held, nullptr);
  EXPECT_EQ(held->envelope, "(one)");
  EXPECT_EQ(cache.entries(), 1u);  // the newest stays even over the bound
}

TEST(EnvelopeCache, MoveStructuresLeavesTheSessionsCopyEmpty) {
  EnvelopeCache cache;
  std::vector<store::MessageInfo> messages = {message(1, "h1", "(e1)", "(b1)"), message(2, "h2", "(e2)", "(b2)"),
                                              message(3, "h1", "(e1)", "(b1)")};  // a copy of message 1
  move_structures_to(cache, messages);
  for (const auto& m : messages) {
    EXPECT_TRUE(m.envelope.empty());
    EXPECT_TRUE(m.bodystructure.empty());
    EXPECT_EQ(m.envelope.capacity(), std::string().capacity());  // nothing held per message
    EXPECT_FALSE(m.blob.empty());                                 // still needed to read the bytes
  }
  EXPECT_EQ(cache.entries(), 2u);
  EXPECT_EQ(cache.get("h1")->envelope, "(e1)");
  EXPECT_EQ(cache.get("h2")->bodystructure, "(b2)");
}

TEST(EnvelopeCache, ConcurrentPutsAndGetsStayConsistent) {
  EnvelopeCache cache(64 * 1024);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string blob = std::to_string((i * 7 + t) % 300);
        cache.put(blob, {"(env " + blob + ")", "(bs)"});
        if (auto v = cache.get(blob)) {
          EXPECT_EQ(v->envelope, "(env " + blob + ")");
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_LE(cache.bytes(), 64u * 1024);
  EXPECT_GT(cache.entries(), 0u);
}

TEST(Selected, IndexOfFindsUidsAndRejectsGaps) {
  Selected sel;
  for (std::uint32_t uid : {3u, 4u, 9u, 15u}) sel.messages.push_back(message(uid, "h", "", ""));
  EXPECT_EQ(sel.index_of(3), 0u);
  EXPECT_EQ(sel.index_of(9), 2u);
  EXPECT_EQ(sel.index_of(15), 3u);
  EXPECT_EQ(sel.index_of(5), std::string::npos);
  EXPECT_EQ(sel.index_of(1), std::string::npos);
  EXPECT_EQ(sel.index_of(16), std::string::npos);
  EXPECT_EQ(sel.max_uid(), 15u);
  sel.messages.clear();
  EXPECT_EQ(sel.index_of(3), std::string::npos);
  EXPECT_EQ(sel.max_uid(), 0u);
}

}  // namespace
}  // namespace postamt::imap
