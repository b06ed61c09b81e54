// Tests for per-user Sieve script storage: one active script, RFC 5804 delete/rename rules, names.
#include "store/sieve_scripts.hpp"

#include <gtest/gtest.h>

#include "store_fixture.hpp"

namespace postamt::store {
namespace {

class SieveScriptsTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    store_->create_account(1);
  }
};

TEST_F(SieveScriptsTest, PutGetListAndReplace) {
  SieveScripts s(dir_, 1);
  EXPECT_TRUE(s.list().empty());
  s.put("main", "keep;");
  s.put("other", "discard;");
  EXPECT_EQ(s.get("main"), "keep;");
  EXPECT_FALSE(s.get("nope"));
  s.put("main", "stop;");
  EXPECT_EQ(s.get("main"), "stop;");
  auto l = s.list();
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].name, "main");
  EXPECT_EQ(l[0].size, 5u);
  EXPECT_FALSE(l[0].active);
}

TEST_F(SieveScriptsTest, OneActiveScriptSurvivesReopen) {
  {
    SieveScripts s(dir_, 1);
    s.put("a", "keep;");
    s.put("b", "discard;");
    EXPECT_FALSE(s.active_source());
    s.activate("a");
    s.activate("b");
    EXPECT_THROW(s.activate("missing"), Error);
    s.put("b", "stop;");  // replacing keeps the active mark
  }
  SieveScripts s(dir_, 1);
  EXPECT_EQ(s.active_name(), "b");
  EXPECT_EQ(s.active_source(), "stop;");
  int active = 0;
  for (const auto& i : s.list()) active += i.active ? 1 : 0;
  EXPECT_EQ(active, 1);
  s.deactivate();
  EXPECT_FALSE(s.active_name());
}

TEST_F(SieveScriptsTest, DeleteRefusesActiveAndMissing) {
  SieveScripts s(dir_, 1);
  s.put("a", "keep;");
  s.activate("a");
  EXPECT_THROW(s.remove("a"), Error);
  EXPECT_THROW(s.remove("zz"), Error);
  s.deactivate();
  s.remove("a");
  EXPECT_FALSE(s.get("a"));
}

TEST_F(SieveScriptsTest, RenameMovesActiveMark) {
  SieveScripts s(dir_, 1);
  s.put("a", "keep;");
  s.put("b", "discard;");
  s.activate("a");
  EXPECT_THROW(s.rename("a", "b"), Error);
  EXPECT_THROW(s.rename("x", "y"), Error);
  s.rename("a", "c");
  EXPECT_EQ(s.active_name(), "c");
  EXPECT_FALSE(s.get("a"));
}

TEST_F(SieveScriptsTest, BadNamesAndSizesAndAccounts) {
  SieveScripts s(dir_, 1);
  EXPECT_THROW(s.put("", "keep;"), Error);
  EXPECT_THROW(s.put("a\nb", "keep;"), Error);
  EXPECT_THROW(s.put(std::string(200, 'x'), "keep;"), Error);
  EXPECT_THROW(s.put("big", std::string(SieveScripts::kMaxScriptSize + 1, ' ')), Error);
  EXPECT_THROW(SieveScripts(dir_, 99), NoSuchAccount);
}

TEST_F(SieveScriptsTest, StoreStillWorksOnMigratedIndex) {
  SieveScripts(dir_, 1).put("a", "keep;");
  reopen();
  EXPECT_EQ(put(1, "Subject: x\r\n\r\nbody\r\n"), 1u);
}

}  // namespace
}  // namespace postamt::store
