// Tests for xtext (RFC 3461 §4).
#include "smtp/protocol/xtext.hpp"

#include <gtest/gtest.h>

namespace postamt::smtp::protocol {
namespace {

TEST(Xtext, Encode) {
  EXPECT_EQ(xtext_encode("user@example.org"), "user@example.org");
  EXPECT_EQ(xtext_encode("a+b=c d"), "a+2Bb+3Dc+20d");
  EXPECT_EQ(xtext_encode(std::string("\x01\xff", 2)), "+01+FF");
  EXPECT_EQ(xtext_encode(""), "");
}

TEST(Xtext, Decode) {
  EXPECT_EQ(xtext_decode("a+2Bb+3Dc+20d"), "a+b=c d");
  EXPECT_EQ(xtext_decode("QQ+2C+2Dx"), "QQ,-x");
  EXPECT_EQ(xtext_decode(""), "");
  for (const char* bad : {"+", "+2", "+2b", "+G0", "a b", "a=b", "\x7f", "+ 2"}) EXPECT_FALSE(xtext_decode(bad)) << bad;
}

TEST(Xtext, RoundTripEveryOctet) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(xtext_decode(xtext_encode(all)), all);
}

}  // namespace
}  // namespace postamt::smtp::protocol
