// PUTSCRIPT/HAVESPACE quotas (RFC 5804 §1.5, §2.5) and the compile check's line/column messages (§2.6).
#include <gtest/gtest.h>

#include "managesieve/response.hpp"
#include "managesieve/script_rules.hpp"

namespace postamt::managesieve {
namespace {

TEST(ScriptRules, Quotas) {
  ScriptLimits limits{.max_scripts = 2, .max_script_size = 100};
  EXPECT_FALSE(space_refusal(limits, 100, false, 1));
  auto r = space_refusal(limits, 101, true, 0);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, code::kQuotaMaxSize);
  r = space_refusal(limits, 10, false, 2);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, code::kQuotaMaxScripts);
  EXPECT_FALSE(space_refusal(limits, 10, true, 2));  // replacing one does not add a script
}

TEST(ScriptRules, CompileErrorsNameLineAndColumn) {
  EXPECT_FALSE(script_errors("require \"fileinto\";\r\nfileinto \"INBOX.x\";\r\n"));
  auto e = script_errors("#comment\r\nInvalidSieveCommand;\r\n");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->rfind("line 2, column ", 0), 0u) << *e;
  e = script_errors("keep;\nfileinto \"x\";\n");  // fileinto without require
  ASSERT_TRUE(e);
  EXPECT_EQ(e->rfind("line 2, column 1: ", 0), 0u) << *e;
  e = script_errors("require \"no-such-extension\";\n");
  ASSERT_TRUE(e);
  EXPECT_NE(e->find("line 1"), std::string::npos);
}

}  // namespace
}  // namespace postamt::managesieve
