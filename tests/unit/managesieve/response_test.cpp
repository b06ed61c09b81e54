// ManageSieve response formatting (RFC 5804 §4): quoted strings with escapes, literals for long or
// multi-line text, OK/NO/BYE with response codes.
#include <gtest/gtest.h>

#include "managesieve/response.hpp"

namespace postamt::managesieve {
namespace {

TEST(Response, StringTokens) {
  EXPECT_EQ(string_token("main"), "\"main\"");
  EXPECT_EQ(string_token(""), "\"\"");
  EXPECT_EQ(string_token("clever\"script\\"), "\"clever\\\"script\\\\\"");
  EXPECT_EQ(string_token("line 1\r\nline 2"), "{14}\r\nline 1\r\nline 2");
  EXPECT_EQ(string_token(std::string(1024, 'a')), "\"" + std::string(1024, 'a') + "\"");
  EXPECT_EQ(string_token(std::string(1025, 'a')), "{1025}\r\n" + std::string(1025, 'a'));
}

TEST(Response, StatusLines) {
  EXPECT_EQ(ok(), "OK\r\n");
  EXPECT_EQ(ok("Done"), "OK \"Done\"\r\n");
  EXPECT_EQ(no("There is no script by that name", code::kNonexistent),
            "NO (NONEXISTENT) \"There is no script by that name\"\r\n");
  EXPECT_EQ(bye("Too many failed authentication attempts"), "BYE \"Too many failed authentication attempts\"\r\n");
  // RFC 5804 §2.13: a TAG code carrying a literal.
  EXPECT_EQ(ok("Done", "TAG " + string_token("STARTTLS-SYNC-42\r\n")),
            "OK (TAG {18}\r\nSTARTTLS-SYNC-42\r\n) \"Done\"\r\n");
  // A multi-line error text goes out as a literal (§2.6: errors separated by CRLF).
  EXPECT_EQ(no("line 1: a\r\nline 2: b"), "NO {20}\r\nline 1: a\r\nline 2: b\r\n");
}

}  // namespace
}  // namespace postamt::managesieve
