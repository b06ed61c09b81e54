// Tests for the SMTP reply writer (RFC 5321 §4.2, RFC 2034 §3).
#include "smtp/protocol/reply.hpp"

#include <gtest/gtest.h>

namespace postamt::smtp::protocol {
namespace {

TEST(Reply, SingleLine) {
  EXPECT_EQ(format_reply(Reply{250, "2.1.0", "Ok"}), "250 2.1.0 Ok\r\n");
  EXPECT_EQ(format_reply(Reply{354, "", "End data with <CR><LF>.<CR><LF>"}), "354 End data with <CR><LF>.<CR><LF>\r\n");
  EXPECT_EQ(format_reply(Reply{221, "2.0.0", ""}), "221 2.0.0\r\n");
  EXPECT_EQ(format_reply(Reply{334, "", ""}), "334 \r\n");  // RFC 4954 §4: empty challenge is "334 "
}

TEST(Reply, MultiLine) {
  EXPECT_EQ(format_reply(Reply{550, "5.1.1", "No such user\nTry again\n"}),
            "550-5.1.1 No such user\r\n550 5.1.1 Try again\r\n");
  EXPECT_EQ(format_reply(250, "", {"mx.example.org", "PIPELINING", "SIZE 1000"}),
            "250-mx.example.org\r\n250-PIPELINING\r\n250 SIZE 1000\r\n");
}

TEST(Reply, NoInjectionAndBounded) {
  EXPECT_EQ(format_reply(250, "", {"a\r\n250 forged"}), "250 a  250 forged\r\n");
  std::string out = format_reply(Reply{250, "2.0.0", std::string(2000, 'x')});
  EXPECT_EQ(out.size(), 512u);
  EXPECT_EQ(out.substr(out.size() - 2), "\r\n");
  EXPECT_EQ(format_reply(Reply{999, "", "x"}), "451 x\r\n");
}

TEST(Reply, Classes) {
  EXPECT_TRUE((Reply{250, "", ""}).positive());
  EXPECT_TRUE((Reply{451, "", ""}).transient());
  EXPECT_TRUE((Reply{550, "", ""}).permanent());
  EXPECT_FALSE((Reply{550, "", ""}).positive());
}

}  // namespace
}  // namespace postamt::smtp::protocol
