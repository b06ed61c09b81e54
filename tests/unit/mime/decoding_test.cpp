// Tests for RFC 2047 encoded-words, charset conversion, and RFC 2045/2231 parameter parsing.
#include <gtest/gtest.h>

#include "mime/charset.hpp"
#include "mime/content_fields.hpp"
#include "mime/message.hpp"

namespace postamt::mime {
namespace {

TEST(EncodedWords, BAndQ) {
  EXPECT_EQ(decode_words("=?UTF-8?B?SGFsbG8gV8O2cmxk?="), "Hallo W\xc3\xb6rld");
  EXPECT_EQ(decode_words("=?iso-8859-1?q?this=20is_some=E9text?="), "this is some\xc3\xa9text");
  EXPECT_EQ(decode_words("plain text"), "plain text");
  EXPECT_EQ(decode_words(""), "");
}

TEST(EncodedWords, AdjacentWordWhitespaceRule) {
  // RFC 2047 §8 examples
  EXPECT_EQ(decode_words("(=?ISO-8859-1?Q?a?=)"), "(a)");
  EXPECT_EQ(decode_words("(=?ISO-8859-1?Q?a?= b)"), "(a b)");
  EXPECT_EQ(decode_words("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(decode_words("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(decode_words("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(decode_words("(=?ISO-8859-1?Q?a_b?=)"), "(a b)");
  EXPECT_EQ(decode_words("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)"), "(a b)");
  EXPECT_EQ(decode_words("Re: =?utf-8?q?x?= y =?utf-8?q?z?="), "Re: x y z");
}

TEST(EncodedWords, MultiByteCharacterSplitAcrossWords) {
  // "ä" (C3 A4) split over two B words in the same charset
  EXPECT_EQ(decode_words("=?utf-8?b?w6M=?= =?utf-8?b?pA==?="), "\xc3\xa3\xef\xbf\xbd");  // C3 A3 | A4
  EXPECT_EQ(decode_words("=?utf-8?b?ww==?= =?utf-8?b?pA==?="), "\xc3\xa4");
  EXPECT_EQ(decode_words("=?utf-8?q?=C3?= =?utf-8?q?=A4?="), "\xc3\xa4");
}

TEST(EncodedWords, CharsetsAndLanguageSuffix) {
  EXPECT_EQ(decode_words("=?windows-1252?q?=80_=93q=94?="), "\xe2\x82\xac \xe2\x80\x9cq\xe2\x80\x9d");
  EXPECT_EQ(decode_words("=?iso-8859-15?q?=A4?="), "\xe2\x82\xac");
  EXPECT_EQ(decode_words("=?US-ASCII*EN?Q?Keith_Moore?="), "Keith Moore");
  EXPECT_EQ(decode_words("=?koi8-r?b?8NLJ18XU?="), "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");  // via iconv
}

TEST(EncodedWords, MalformedWordsStayRawAndAreReported) {
  bool bad = false;
  EXPECT_EQ(decode_words("=?no-such-cs?q?abc?= x", &bad), "=?no-such-cs?q?abc?= x");
  EXPECT_TRUE(bad);
  bad = false;
  EXPECT_EQ(decode_words("=?utf-8?b?@@@?=", &bad), "=?utf-8?b?@@@?=");
  EXPECT_TRUE(bad);
  bad = false;
  EXPECT_EQ(decode_words("=?utf-8?x?abc?= =?utf-8?q?has space?=", &bad), "=?utf-8?x?abc?= =?utf-8?q?has space?=");
  EXPECT_FALSE(bad);  // not encoded-words at all
  EXPECT_EQ(decode_words("=?utf-8?q?unterminated"), "=?utf-8?q?unterminated");
  EXPECT_EQ(decode_words("=?//translit?q?a?="), "=?//translit?q?a?=");
}

TEST(EncodedWords, RawEightBitTextBecomesUtf8) {
  EXPECT_EQ(decode_words("caf\xc3\xa9"), "caf\xc3\xa9");  // valid UTF-8 kept (RFC 6532)
  EXPECT_EQ(decode_words("caf\xe9"), "caf\xc3\xa9");      // Latin-1 bytes read as windows-1252
}

TEST(Charset, InvalidUtf8IsRepaired) {
  EXPECT_EQ(to_utf8("a\xff" "b", "utf-8"), "a\xef\xbf\xbd" "b");
  EXPECT_EQ(to_utf8("\xed\xa0\x80", "UTF8"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // surrogate
  EXPECT_FALSE(to_utf8("x", "x-unknown-charset").has_value());
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));  // overlong
}

TEST(Params, ContentTypeGrammar) {
  std::string t, st;
  std::vector<Param> ps;
  ASSERT_TRUE(detail::parse_content_type("Text/Plain (comment) ; CharSet = \"us-ascii\" ; format=flowed;;", t, st, ps));
  EXPECT_EQ(t, "text");
  EXPECT_EQ(st, "plain");
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_EQ(ps[0].name, "charset");
  EXPECT_EQ(ps[0].value, "us-ascii");
  EXPECT_EQ(ps[1].value, "flowed");
  EXPECT_FALSE(detail::parse_content_type("text", t, st, ps));
  EXPECT_FALSE(detail::parse_content_type("/plain", t, st, ps));
}

TEST(Params, QuotedEscapesUnquotedSpacesAndDuplicates) {
  auto ps = detail::parse_params("; name=\"a \\\"quoted\\\" name.txt\"; file=my file.pdf ; NAME=second; x; y=1 (c)");
  ASSERT_EQ(ps.size(), 3u);
  EXPECT_EQ(ps[0].value, "a \"quoted\" name.txt");
  EXPECT_EQ(ps[1].value, "my file.pdf");
  EXPECT_EQ(ps[2].name, "y");
  EXPECT_EQ(ps[2].value, "1");
}

TEST(Params, Rfc2231ContinuationsAndCharsets) {
  // RFC 2231 §3, §4, §4.1 examples
  auto ps = detail::parse_params(
      "; URL*0=\"ftp://\"; URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\""
      "; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A"
      "; t2*0*=us-ascii'en'This%20is%20even%20more%20; t2*1*=%2A%2A%2Afun%2A%2A%2A%20; t2*2=\"isn't it!\"");
  ASSERT_EQ(ps.size(), 3u);
  EXPECT_EQ(ps[0].name, "url");
  EXPECT_EQ(ps[0].value, "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar");
  EXPECT_TRUE(ps[0].extended);
  EXPECT_EQ(ps[1].value, "This is ***fun***");
  EXPECT_EQ(ps[1].language, "en-us");
  EXPECT_EQ(ps[2].value, "This is even more ***fun*** isn't it!");
}

TEST(Params, Rfc2231FileNamesToUtf8) {
  auto ps = detail::parse_params("; filename*=UTF-8''%E2%82%AC%20rates.pdf; filename=\"fallback.pdf\"");
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].value, "\xe2\x82\xac rates.pdf");  // the RFC 2231 form wins over the plain one
  // out-of-order continuations, Latin-1 charset
  ps = detail::parse_params("; name*1*=%E9.txt; name*0*=iso-8859-1''caf");
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].value, "caf\xc3\xa9.txt");
  // broken percent-encoding and unknown charset are kept readable, not dropped
  ps = detail::parse_params("; a*=x-unknown''%41%zz");
  EXPECT_EQ(ps[0].value, "A%zz");
}

TEST(Params, AttachmentNameDecodesBothStyles) {
  std::string raw =
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: application/octet-stream; name=\"=?utf-8?B?w6RwZmVs?=.bin\"\r\n\r\nx\r\n"
      "--b\r\nContent-Disposition: attachment;\r\n filename*0*=utf-8''%C3%BC; filename*1=\"ber.txt\"\r\n\r\ny\r\n"
      "--b--\r\n";
  auto m = parse(raw);
  ASSERT_EQ(m.root.children.size(), 2u);
  EXPECT_EQ(attachment_name(m.root.children[0]), "\xc3\xa4pfel.bin");
  EXPECT_EQ(attachment_name(m.root.children[1]), "\xc3\xbc" "ber.txt");
}

TEST(Params, ContentLanguageAndTokens) {
  EXPECT_EQ(detail::parse_token_list("en-US , (comment) fr"), (std::vector<std::string>{"en-US", "fr"}));
  EXPECT_EQ(detail::parse_token_value("  Quoted-Printable (x)"), "quoted-printable");
  EXPECT_EQ(detail::strip_comments("a (b (c) d) \"(q)\" e"), "a  \"(q)\" e");
}

}  // namespace
}  // namespace postamt::mime
