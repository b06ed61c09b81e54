// Reply lines, multi-line replies, enhanced codes, EHLO keywords and dot-stuffing of the SMTP client.
#include "smtp/client/reply.hpp"

#include <gtest/gtest.h>

namespace postamt::smtp::client {
namespace {

TEST(Reply, ParsesLines) {
  auto l = parse_reply_line("250-mx.test greets you");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->code, 250);
  EXPECT_TRUE(l->more);
  EXPECT_EQ(l->text, "mx.test greets you");
  auto bare = parse_reply_line("354");
  ASSERT_TRUE(bare);
  EXPECT_FALSE(bare->more);
  EXPECT_FALSE(parse_reply_line("25"));
  EXPECT_FALSE(parse_reply_line("abc def"));
  EXPECT_FALSE(parse_reply_line("250x"));
  EXPECT_FALSE(parse_reply_line("650 out of range"));
}

TEST(Reply, AssemblesMultiLineReplies) {
  ReplyAssembler a;
  EXPECT_FALSE(a.feed("250-first"));
  EXPECT_FALSE(a.feed("250-second"));
  EXPECT_TRUE(a.feed("250 last"));
  auto r = a.take();
  EXPECT_EQ(r.code, 250);
  EXPECT_EQ(r.lines.size(), 3u);
  EXPECT_EQ(r.str(), "250 first / second / last");
  ReplyAssembler b;
  EXPECT_FALSE(b.feed("250-a"));
  EXPECT_THROW(b.feed("251 b"), std::runtime_error);
  ReplyAssembler c;
  EXPECT_THROW(c.feed("garbage"), std::runtime_error);
  ReplyAssembler d;
  for (std::size_t i = 0; i < ReplyAssembler::kMaxLines; ++i) d.feed("250-x");
  EXPECT_THROW(d.feed("250-x"), std::runtime_error);
}

TEST(Reply, EnhancedCodes) {
  ServerReply r{550, {"5.1.1 <x@y> User unknown"}};
  EXPECT_EQ(r.enhanced(), "5.1.1");
  EXPECT_TRUE(r.permanent());
  EXPECT_EQ((ServerReply{550, {"User unknown"}}).enhanced(), "");
  EXPECT_EQ((ServerReply{451, {"4.4.10 x"}}).enhanced(), "4.4.10");
  EXPECT_TRUE((ServerReply{451, {"x"}}).transient());
  EXPECT_EQ((ServerReply{250, {"a\r\nb"}}).str(), "250 a  b");
}

TEST(Reply, EhloKeywords) {
  ServerReply r{250, {"mx.test hello", "PIPELINING", "SIZE 1000", "8bitmime", "SMTPUTF8", "STARTTLS", "DSN",
                      "AUTH PLAIN login", "ENHANCEDSTATUSCODES", "CHUNKING"}};
  auto e = parse_ehlo(r);
  EXPECT_TRUE(e.pipelining && e.eightbitmime && e.smtputf8 && e.starttls && e.dsn && e.chunking);
  EXPECT_TRUE(e.enhanced_status_codes);
  ASSERT_TRUE(e.size);
  EXPECT_EQ(*e.size, 1000u);
  EXPECT_EQ(e.auth, (std::vector<std::string>{"PLAIN", "LOGIN"}));
  // The greeting line is not a keyword; SIZE without a number means no announced limit.
  auto g = parse_ehlo(ServerReply{250, {"PIPELINING", "SIZE"}});
  EXPECT_FALSE(g.pipelining);
  ASSERT_TRUE(g.size);
  EXPECT_EQ(*g.size, 0u);
  EXPECT_EQ(*parse_ehlo(ServerReply{250, {"x", "SIZE 99999999999999999999999"}}).size, 0u);
}

TEST(Reply, DotStuffing) {
  EXPECT_EQ(dot_stuff("a\r\n.b\r\n..c\r\n"), "a\r\n..b\r\n...c\r\n.\r\n");
  EXPECT_EQ(dot_stuff(".\r\n"), "..\r\n.\r\n");
  EXPECT_EQ(dot_stuff("no end"), "no end\r\n.\r\n");
  EXPECT_EQ(dot_stuff("bare\nlf\r.x"), "bare\r\nlf\r\n..x\r\n.\r\n");
  EXPECT_EQ(dot_stuff(""), ".\r\n");
  EXPECT_TRUE(has_8bit("caf\xc3\xa9"));
  EXPECT_FALSE(has_8bit("plain"));
}

}  // namespace
}  // namespace postamt::smtp::client
