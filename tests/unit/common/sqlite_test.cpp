// Tests for the SQLite wrapper and numbered migrations.
#include "common/sqlite.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace postamt::sqlite {
namespace {

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("postamt-sqlite-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

constexpr Migration kV1[] = {{1, "CREATE TABLE t(a INTEGER, b TEXT);"}};
constexpr Migration kV2[] = {{1, "CREATE TABLE t(a INTEGER, b TEXT);"}, {2, "ALTER TABLE t ADD COLUMN c TEXT;"}};

TEST_F(SqliteTest, MigratesInOrderAndRecordsVersion) {
  auto db = Database::open((dir_ / "a.sqlite").string());
  EXPECT_EQ(migrate(db, "x", kV1), 1);
  db.prepare("INSERT INTO t(a,b) VALUES(?,?)").bind(1, 7).bind(2, "seven").run();
  EXPECT_EQ(migrate(db, "x", kV2), 2);
  auto st = db.prepare("SELECT a, b, c FROM t");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.int64(0), 7);
  EXPECT_EQ(st.text(1), "seven");
  EXPECT_TRUE(st.is_null(2));
  EXPECT_EQ(schema_version(db, "x"), 2);
  EXPECT_EQ(schema_version(db, "other"), 0);
}

TEST_F(SqliteTest, RefusesNewerSchema) {
  auto db = Database::open((dir_ / "b.sqlite").string());
  migrate(db, "x", kV2);
  EXPECT_THROW(migrate(db, "x", kV1), Error);
}

TEST_F(SqliteTest, TransactionRollsBackUnlessCommitted) {
  auto db = Database::open((dir_ / "c.sqlite").string());
  migrate(db, "x", kV1);
  {
    Transaction tx(db);
    db.exec("INSERT INTO t(a) VALUES(1)");
  }
  auto st = db.prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.int64(0), 0);
}

}  // namespace
}  // namespace postamt::sqlite
