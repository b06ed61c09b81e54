// Tests for POP3 responses and multi-line byte-stuffing (RFC 1939 §3, RFC 2449 §8, RFC 5034 §4).
#include "pop3/protocol/response.hpp"

#include <gtest/gtest.h>

#include "pop3/protocol/multiline.hpp"

namespace postamt::pop3::protocol {
namespace {

TEST(Pop3Response, StatusLines) {
  EXPECT_EQ(ok(), "+OK\r\n");
  EXPECT_EQ(ok("2 320"), "+OK 2 320\r\n");
  EXPECT_EQ(err("no such message"), "-ERR no such message\r\n");
  EXPECT_EQ(err("Mailbox locked", resp_code::kInUse), "-ERR [IN-USE] Mailbox locked\r\n");
  EXPECT_EQ(err("Try later", resp_code::kSysTemp), "-ERR [SYS/TEMP] Try later\r\n");
  EXPECT_EQ(ok("", resp_code::kAuth), "+OK [AUTH]\r\n");
  EXPECT_EQ(err("x", "BAD CODE"), "-ERR x\r\n");
  EXPECT_EQ(err("x", "A//B"), "-ERR x\r\n");
  EXPECT_EQ(err("x", "A]"), "-ERR x\r\n");
  EXPECT_EQ(err("evil\r\n+OK forged"), "-ERR evil  +OK forged\r\n");
  std::string long_line = ok(std::string(1000, 'x'));
  EXPECT_EQ(long_line.size(), 512u);
  EXPECT_EQ(long_line.substr(510), "\r\n");
  EXPECT_EQ(continuation(), "+ \r\n");
  EXPECT_EQ(continuation("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+"), "+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+\r\n");
}

TEST(Pop3Response, Multiline) {
  EXPECT_EQ(multiline("Capability list follows", {"TOP", "USER", "SASL PLAIN", ".hidden"}),
            "+OK Capability list follows\r\nTOP\r\nUSER\r\nSASL PLAIN\r\n..hidden\r\n.\r\n");
  EXPECT_EQ(multiline("0 messages", {}), "+OK 0 messages\r\n.\r\n");
  EXPECT_EQ(multiline("x", {"a\r\n.", ""}), "+OK x\r\na  .\r\n\r\n.\r\n");
}

TEST(DotStuff, Table) {
  struct Row {
    const char* in;
    const char* out;
  };
  const Row rows[] = {
      {"", ""},
      {"a\r\n", "a\r\n"},
      {"a", "a\r\n"},
      {".\r\n", "..\r\n"},
      {"a\r\n.\r\nb\r\n", "a\r\n..\r\nb\r\n"},
      {"..x\r\n", "...x\r\n"},
      {"a.b\r\n", "a.b\r\n"},
      {"x\r\n\r\n.", "x\r\n\r\n..\r\n"},
      // bare line ends are normalised so that no client sees a lone "." line
      {"a\n.\nb", "a\r\n..\r\nb\r\n"},
      {"a\r.\rb", "a\r\n..\r\nb\r\n"},
      {"a\r", "a\r\n"},
      {"a\r\r\n.", "a\r\n\r\n..\r\n"},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(dot_stuff(r.in), r.out) << ::testing::PrintToString(std::string(r.in));
    // Fed byte by byte through DotStuffer, plus the terminator.
    DotStuffer s;
    std::string out;
    for (char c : std::string_view(r.in)) s.feed(std::string_view(&c, 1), out);
    s.finish(out);
    EXPECT_EQ(out, std::string(r.out) + ".\r\n") << ::testing::PrintToString(std::string(r.in));
  }
}

}  // namespace
}  // namespace postamt::pop3::protocol
