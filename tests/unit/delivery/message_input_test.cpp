// Tests for delivery input normalisation and refusal rules.
#include "delivery/message_input.hpp"

#include <gtest/gtest.h>

namespace postamt::delivery {
namespace {

TEST(NormalizeCrlf, ConvertsBareLfAndCr) {
  EXPECT_EQ(normalize_crlf("a\nb\r\nc\rd"), "a\r\nb\r\nc\r\nd");
  EXPECT_EQ(normalize_crlf("\r\n\r\n"), "\r\n\r\n");
  EXPECT_EQ(normalize_crlf(""), "");
  EXPECT_EQ(normalize_crlf("x\r"), "x\r\n");
}

TEST(RefuseReason, AcceptsOrdinaryAndBrokenMime) {
  EXPECT_FALSE(refuse_reason("Subject: hi\r\n\r\nbody\r\n"));
  EXPECT_FALSE(refuse_reason("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nno end"));
  EXPECT_FALSE(refuse_reason("Subject: h\xc3\xa4llo\r\n\r\n"));
}

TEST(RefuseReason, RefusesWhatIsNotMail) {
  EXPECT_TRUE(refuse_reason(""));
  EXPECT_TRUE(refuse_reason("hello world\r\nthis is not mail\r\n"));
  EXPECT_TRUE(refuse_reason(": empty name\r\n\r\n"));
  EXPECT_TRUE(refuse_reason(std::string("Subject: a\0b\r\n\r\n", 15)));
  EXPECT_TRUE(refuse_reason("\r\nSubject: late\r\n"));
}

TEST(ReturnPath, StripsAndFormats) {
  EXPECT_EQ(return_path_field(""), "Return-Path: <>\r\n");
  EXPECT_EQ(return_path_field("a@b"), "Return-Path: <a@b>\r\n");
  EXPECT_EQ(strip_leading_return_path("Return-Path: <x@y>\r\nReturn-Path:\r\n <z>\r\nSubject: s\r\n"),
            "Subject: s\r\n");
  EXPECT_EQ(strip_leading_return_path("Subject: s\r\nReturn-Path: <x>\r\n"), "Subject: s\r\nReturn-Path: <x>\r\n");
  EXPECT_EQ(strip_mbox_from_line("From a@b Tue Nov 24 12:00:00 2026\nSubject: s\n"), "Subject: s\n");
}

TEST(LeadingReturnPath, TakenFromTheTopOfTheHeader) {
  EXPECT_EQ(leading_return_path("Return-Path: <a@b.test>\r\nSubject: x\r\n\r\n").value_or("?"), "a@b.test");
  EXPECT_EQ(leading_return_path("From a@b Tue Nov 24 2026\nreturn-path:<>\n\n").value_or("?"), "");
  EXPECT_FALSE(leading_return_path("Subject: x\r\nReturn-Path: <a@b.test>\r\n\r\n"));
  EXPECT_FALSE(leading_return_path("Return-Path: <a b@c>\r\n\r\n"));
}

}  // namespace
}  // namespace postamt::delivery
