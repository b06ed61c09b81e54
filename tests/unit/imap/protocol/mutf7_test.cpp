// Modified UTF-7 mailbox names: round trips and strict rejection of non-canonical forms.
#include "imap/protocol/mutf7.hpp"

#include <gtest/gtest.h>

namespace postamt::imap::protocol {
namespace {

struct Pair {
  std::string utf8;
  std::string mutf7;
};

class Mutf7RoundTrip : public ::testing::TestWithParam<Pair> {};
TEST_P(Mutf7RoundTrip, EncodeDecode) {
  const auto& p = GetParam();
  EXPECT_EQ(mutf7_encode(p.utf8), p.mutf7);
  EXPECT_EQ(mutf7_decode(p.mutf7), p.utf8);
}

INSTANTIATE_TEST_SUITE_P(
    Mutf7, Mutf7RoundTrip,
    ::testing::Values(Pair{"", ""}, Pair{"INBOX", "INBOX"}, Pair{"Entwürfe", "Entw&APw-rfe"},
                      Pair{"&", "&-"}, Pair{"A&B", "A&-B"}, Pair{"Sent Items", "Sent Items"},
                      // RFC 3501 §5.1.3 example
                      Pair{"~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
                           "~peter/mail/&U,BTFw-/&ZeVnLIqe-"},
                      Pair{"Ä", "&AMQ-"}, Pair{"äöü", "&AOQA9gD8-"},
                      Pair{"\xf0\x9f\x93\xa7 Mail", "&2D3c5w- Mail"},  // U+1F4E7, a surrogate pair
                      Pair{"tab\there", "tab&AAk-here"}, Pair{"Å&Ø", "&AMU-&-&ANg-"}));

TEST(Mutf7, DecodeRejectsNonCanonical) {
  for (const char* bad : {
           "Entw\xc3\xbc" "rfe",  // raw 8-bit
           "a\tb",                // raw control character
           "&APw",                // unterminated
           "&APw=-",              // padding
           "&AP/-",               // "/" is not modified base64
           "&APx-",               // non-zero leftover bits
           "&AEE-",               // encodes printable ASCII "A"
           "&ACY-",               // encodes "&" (must be "&-")
           "&AOQ-&APY-",          // two adjacent runs (canonical form merges them)
           "&2D0-",               // lone high surrogate
           "&3+c-",               // lone low surrogate
           "&AOQA-",              // leftover 6+ bits
           "&-&",                 // trailing "&"
       })
    EXPECT_FALSE(mutf7_decode(bad)) << bad;
}

TEST(Mutf7, EncodeRejectsInvalidUtf8) {
  EXPECT_FALSE(mutf7_encode("\xff"));
  EXPECT_FALSE(mutf7_encode("\xc3"));
  EXPECT_FALSE(mutf7_encode("\xed\xa0\x80"));  // encoded surrogate
  EXPECT_FALSE(mutf7_encode("\xc0\xaf"));      // overlong
}

TEST(Mutf7, DecodeMailboxName) {
  EXPECT_EQ(decode_mailbox_name("Entw&APw-rfe", false), "Entwürfe");
  EXPECT_FALSE(decode_mailbox_name("Entwürfe", false));
  EXPECT_EQ(decode_mailbox_name("Entwürfe", true), "Entwürfe");
  EXPECT_EQ(decode_mailbox_name("Entw&APw-rfe", true), "Entw&APw-rfe");  // UTF-8 names are literal
  EXPECT_FALSE(decode_mailbox_name("\xff", true));
}

TEST(Mutf7, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("Entwürfe \xf0\x9f\x93\xa7"));
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));
}

}  // namespace
}  // namespace postamt::imap::protocol
