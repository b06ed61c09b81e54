// Response writers: atom / quoted / literal choice, NIL, flag lists.
#include "imap/protocol/writer.hpp"

#include <gtest/gtest.h>

namespace postamt::imap::protocol {
namespace {

std::string astr(std::string_view s, bool utf8 = false) {
  std::string out;
  append_astring(out, s, utf8);
  return out;
}
std::string str(std::string_view s, bool utf8 = false) {
  std::string out;
  append_string(out, s, utf8);
  return out;
}

TEST(Writer, AString) {
  EXPECT_EQ(astr("INBOX"), "INBOX");
  EXPECT_EQ(astr("a]b"), "a]b");  // resp-specials are ASTRING-CHARs
  EXPECT_EQ(astr(""), "\"\"");
  EXPECT_EQ(astr("NIL"), "\"NIL\"");
  EXPECT_EQ(astr("Sent Items"), "\"Sent Items\"");
  EXPECT_EQ(astr("a%b"), "\"a%b\"");
  EXPECT_EQ(astr("say \"hi\"\\"), "\"say \\\"hi\\\"\\\\\"");
  EXPECT_EQ(astr("two\r\nlines"), "{10}\r\ntwo\r\nlines");
}

TEST(Writer, StringUtf8AndLength) {
  EXPECT_EQ(str("Entwürfe"), "{9}\r\nEntwürfe");
  EXPECT_EQ(str("Entwürfe", true), "\"Entwürfe\"");
  EXPECT_EQ(str("\xff", true), "{1}\r\n\xff");  // invalid UTF-8 never goes in a quoted string
  const std::string big(kMaxQuoted + 1, 'x');
  EXPECT_EQ(str(big), "{" + std::to_string(big.size()) + "}\r\n" + big);
  EXPECT_EQ(str(std::string("a\0b", 3)), std::string("{3}\r\na\0b", 8));
}

TEST(Writer, NStringAndLiteral8) {
  std::string out;
  append_nstring(out, std::nullopt);
  out += ' ';
  append_nstring(out, std::string_view("NIL"));
  EXPECT_EQ(out, "NIL \"NIL\"");
  out.clear();
  append_literal8(out, std::string("\0\1", 2));
  EXPECT_EQ(out, std::string("~{2}\r\n\0\1", 8));
}

TEST(Writer, MailboxNames) {
  std::string out;
  append_mailbox(out, "Entwürfe", false);
  EXPECT_EQ(out, "Entw&APw-rfe");
  out.clear();
  append_mailbox(out, "Entwürfe", true);
  EXPECT_EQ(out, "\"Entwürfe\"");
  out.clear();
  append_mailbox(out, "A & B", false);
  EXPECT_EQ(out, "\"A &- B\"");
}

TEST(Writer, FlagList) {
  EXPECT_EQ(format_flag_list({}), "()");
  EXPECT_EQ(format_flag_list({"\\Seen", "\\Deleted", "$Junk"}), "(\\Seen \\Deleted $Junk)");
}

}  // namespace
}  // namespace postamt::imap::protocol
