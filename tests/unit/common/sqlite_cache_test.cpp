// Tests for the per-connection prepared-statement cache behind Database::prepare (common/sqlite.hpp).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "common/sqlite.hpp"

namespace postamt::sqlite {
namespace {

class StatementCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("postamt-sqlite-cache-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    db_ = Database::open((dir_ / "c.sqlite").string());
    db_.exec("CREATE TABLE t(a INTEGER); INSERT INTO t VALUES (1), (2), (3);");
  }
  void TearDown() override {
    db_ = Database();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  Database db_;
};

TEST_F(StatementCacheTest, ReusesTheStatementOfTheSameText) {
  sqlite3_stmt* first = nullptr;
  {
    auto st = db_.prepare("SELECT a FROM t ORDER BY a");
    first = st.handle();
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.int64(0), 1);
  }
  EXPECT_EQ(db_.cached_statements(), 1u);
  auto again = db_.prepare("SELECT a FROM t ORDER BY a");
  EXPECT_EQ(again.handle(), first);
  EXPECT_EQ(db_.cached_statements(), 0u);
  // Reset on return: stepping starts from the first row again.
  ASSERT_TRUE(again.step());
  EXPECT_EQ(again.int64(0), 1);
  auto other = db_.prepare("SELECT a FROM t ORDER BY a DESC");
  EXPECT_NE(other.handle(), first);
}

TEST_F(StatementCacheTest, BindingsAreClearedOnReturn) {
  {
    auto st = db_.prepare("SELECT ?");
    st.bind(1, 42);
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.int64(0), 42);
  }
  auto st = db_.prepare("SELECT ?");
  ASSERT_TRUE(st.step());
  EXPECT_TRUE(st.is_null(0));
}

TEST_F(StatementCacheTest, SameTextInUseTwiceGetsTwoStatements) {
  auto outer = db_.prepare("SELECT a FROM t WHERE a >= ? ORDER BY a");
  outer.bind(1, 2);
  ASSERT_TRUE(outer.step());
  {
    auto inner = db_.prepare("SELECT a FROM t WHERE a >= ? ORDER BY a");
    EXPECT_NE(inner.handle(), outer.handle());
    inner.bind(1, 1);
    ASSERT_TRUE(inner.step());
    EXPECT_EQ(inner.int64(0), 1);
  }
  // The inner one went back to the cache without disturbing the outer one's position.
  EXPECT_EQ(outer.int64(0), 2);
  ASSERT_TRUE(outer.step());
  EXPECT_EQ(outer.int64(0), 3);
  EXPECT_FALSE(outer.step());
}

TEST_F(StatementCacheTest, AStatementDroppedMidResultDoesNotHoldTheTable) {
  {
    auto st = db_.prepare("SELECT a FROM t");
    ASSERT_TRUE(st.step());  // rows left unread
  }
  // An active (unreset) statement on t would make DROP TABLE fail with "database table is locked".
  EXPECT_NO_THROW(db_.exec("DROP TABLE t"));
  // The cached statement names a table that is gone: SQLite re-prepares and reports the error.
  EXPECT_THROW(db_.prepare("SELECT a FROM t").step(), Error);
}

TEST_F(StatementCacheTest, WritesThroughCachedStatementsAreCommitted) {
  for (int i = 10; i < 20; ++i) db_.prepare("INSERT INTO t(a) VALUES(?)").bind(1, i).run();
  auto count = db_.prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.int64(0), 13);
  EXPECT_EQ(db_.changes(), 1);
}

TEST_F(StatementCacheTest, IsBoundedAndKeepsTheMostRecent) {
  const std::size_t n = Database::kStatementCacheSize + 20;
  for (std::size_t i = 0; i < n; ++i) {
    auto st = db_.prepare("SELECT " + std::to_string(i));
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.int64(0), static_cast<std::int64_t>(i));
  }
  EXPECT_EQ(db_.cached_statements(), Database::kStatementCacheSize);
  // The newest texts are still cached, the oldest were finalized.
  std::size_t before = db_.cached_statements();
  { auto newest = db_.prepare("SELECT " + std::to_string(n - 1)); }
  EXPECT_EQ(db_.cached_statements(), before);
  {
    auto oldest = db_.prepare("SELECT 0");
    EXPECT_EQ(db_.cached_statements(), before);  // none taken: it was prepared anew
    ASSERT_TRUE(oldest.step());
    EXPECT_EQ(oldest.int64(0), 0);
  }
  EXPECT_EQ(db_.cached_statements(), before);  // still at the bound after its return
}

TEST_F(StatementCacheTest, OnlyWholeTextsAreCached) {
  { auto st = db_.prepare("SELECT 1; SELECT 2"); }
  EXPECT_EQ(db_.cached_statements(), 0u);
  EXPECT_THROW(db_.prepare("SELEKT 1"), Error);
  EXPECT_EQ(db_.cached_statements(), 0u);
}

TEST_F(StatementCacheTest, MovedStatementsReturnOnce) {
  auto make = [this] { return db_.prepare("SELECT 5"); };
  {
    Statement a = make();
    Statement b = std::move(a);
    ASSERT_TRUE(b.step());
    EXPECT_EQ(b.int64(0), 5);
  }
  EXPECT_EQ(db_.cached_statements(), 1u);
}

TEST_F(StatementCacheTest, FollowsTheDatabaseWhenMoved) {
  auto st = db_.prepare("SELECT a FROM t");
  Database moved = std::move(db_);
  ASSERT_TRUE(st.step());
  { Statement done = std::move(st); }
  EXPECT_EQ(moved.cached_statements(), 1u);
  EXPECT_EQ(db_.cached_statements(), 0u);
  auto again = moved.prepare("SELECT a FROM t");
  ASSERT_TRUE(again.step());
  EXPECT_EQ(again.int64(0), 1);
  db_ = std::move(moved);
}

TEST_F(StatementCacheTest, AStatementMayOutliveItsDatabase) {
  auto other = Database::open((dir_ / "d.sqlite").string());
  other.exec("CREATE TABLE u(x INTEGER); INSERT INTO u VALUES (9)");
  { auto idle = other.prepare("SELECT 1"); }  // an idle one to finalize at close
  auto live = other.prepare("SELECT x FROM u");
  ASSERT_TRUE(live.step());
  other = Database();  // closes: the idle statement is finalized, the live one keeps the connection
  EXPECT_EQ(live.int64(0), 9);
  EXPECT_FALSE(live.step());
  // `live` is finalized (not cached) when it goes out of scope; ASan reports any leak or double free.
}

}  // namespace
}  // namespace postamt::sqlite
