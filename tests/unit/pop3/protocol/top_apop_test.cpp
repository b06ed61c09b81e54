// Tests for TOP extraction (RFC 1939 §7) and the APOP digest (RFC 1939 §7 example).
#include <gtest/gtest.h>

#include "pop3/protocol/apop.hpp"
#include "pop3/protocol/top.hpp"

namespace postamt::pop3::protocol {
namespace {

TEST(Top, Table) {
  const std::string m = "From: a\r\nSubject: b\r\n\r\nline1\r\nline2\r\nline3\r\n";
  struct Row {
    std::string message;
    std::uint64_t n;
    std::string want;
  };
  const Row rows[] = {
      {m, 0, "From: a\r\nSubject: b\r\n\r\n"},
      {m, 1, "From: a\r\nSubject: b\r\n\r\nline1\r\n"},
      {m, 2, "From: a\r\nSubject: b\r\n\r\nline1\r\nline2\r\n"},
      {m, 3, m},
      {m, 1000000, m},
      {"From: a\r\nSubject: b\r\n", 5, "From: a\r\nSubject: b\r\n"},  // no body at all
      {"From: a\r\n\r\n", 5, "From: a\r\n\r\n"},
      {"\r\nbody\r\nmore\r\n", 1, "\r\nbody\r\n"},  // empty header section
      {"From: a\r\n\r\nunterminated", 3, "From: a\r\n\r\nunterminated"},
      {"From: a\n\nx\ny\n", 1, "From: a\n\nx\n"},  // bare LF lines still count
      {"", 3, ""},
  };
  for (const auto& r : rows) EXPECT_EQ(top_extract(r.message, r.n), r.want) << ::testing::PrintToString(r.message) << " " << r.n;
}

TEST(Apop, Rfc1939Example) {
  const std::string ts = "<1896.697170952@dbc.mtview.ca.us>";
  EXPECT_TRUE(is_apop_timestamp(ts));
  EXPECT_EQ(apop_digest(ts, "tanstaaf"), "c4c9334bac560ecc979e58001b3e22fb");
  EXPECT_TRUE(apop_verify(ts, "tanstaaf", "c4c9334bac560ecc979e58001b3e22fb"));
  EXPECT_TRUE(apop_verify(ts, "tanstaaf", "C4C9334BAC560ECC979E58001B3E22FB"));
  EXPECT_FALSE(apop_verify(ts, "tanstaaF", "c4c9334bac560ecc979e58001b3e22fb"));
  EXPECT_FALSE(apop_verify(ts, "tanstaaf", "c4c9334bac560ecc979e58001b3e22fa"));
  EXPECT_FALSE(apop_verify(ts, "tanstaaf", "c4c9334bac560ecc979e58001b3e22f"));
  EXPECT_FALSE(apop_verify("<other@host>", "tanstaaf", "c4c9334bac560ecc979e58001b3e22fb"));
}

TEST(Apop, Timestamps) {
  EXPECT_EQ(make_apop_timestamp("1234.5678", "mail.example.org"), "<1234.5678@mail.example.org>");
  EXPECT_TRUE(is_apop_timestamp(make_apop_timestamp("1234.5678", "mail.example.org")));
  for (const char* bad : {"", "<>", "<nohost>", "1@x", "<a b@x>", "<a@x", "<a<b@x>", "<\x7f@x>"})
    EXPECT_FALSE(is_apop_timestamp(bad)) << bad;
}

}  // namespace
}  // namespace postamt::pop3::protocol
