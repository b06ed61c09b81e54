// Golden tests for the IMAP ENVELOPE and BODY/BODYSTRUCTURE strings (RFC 3501 §7.4.2, §9) and
// the RFC 5322 address-list parser behind them.
#include <gtest/gtest.h>

#include "imap_sexp.hpp"
#include "mime/address.hpp"
#include "mime/imap_string.hpp"
#include "mime/message.hpp"

namespace postamt::mime {
namespace {

using testing::read_sexp;
using testing::Sexp;

TEST(ImapString, QuotedOrLiteral) {
  EXPECT_EQ(imap_string("abc"), "\"abc\"");
  EXPECT_EQ(imap_string("a \"b\" \\c"), "\"a \\\"b\\\" \\\\c\"");
  EXPECT_EQ(imap_string(""), "\"\"");
  EXPECT_EQ(imap_string("caf\xc3\xa9"), "{5}\r\ncaf\xc3\xa9");
  EXPECT_EQ(imap_string("a\r\nb"), "{4}\r\na\r\nb");
  EXPECT_EQ(imap_string(std::string("a\0b", 3)), "\"ab\"");
  std::string out;
  append_imap_nstring(out, "");
  EXPECT_EQ(out, "NIL");
}

TEST(Address, MailboxesGroupsRoutesComments) {
  auto a = parse_address_list(
      "\"Doe, John\" <john@example.com>, jane@example.org (Jane Roe), Team: a@x.example, <b@y.example>;, "
      "<@relay.example,@r2.example:route@z.example>, undisclosed-recipients:;, bare, =?utf-8?q?J=C3=B6rg?= <j@e.x>");
  ASSERT_EQ(a.size(), 11u);
  EXPECT_EQ(a[0].name, "Doe, John");
  EXPECT_EQ(a[0].mailbox, "john");
  EXPECT_EQ(a[0].host, "example.com");
  EXPECT_EQ(a[1].name, "Jane Roe");
  EXPECT_EQ(a[2].kind, Address::Kind::GroupStart);
  EXPECT_EQ(a[2].name, "Team");
  EXPECT_EQ(a[3].host, "x.example");
  EXPECT_EQ(a[4].mailbox, "b");
  EXPECT_EQ(a[5].kind, Address::Kind::GroupEnd);
  EXPECT_EQ(a[6].route, "@relay.example,@r2.example");
  EXPECT_EQ(a[6].mailbox, "route");
  EXPECT_EQ(a[7].kind, Address::Kind::GroupStart);
  EXPECT_EQ(a[8].kind, Address::Kind::GroupEnd);
  EXPECT_EQ(a[9].mailbox, "bare");
  EXPECT_EQ(a[9].host, "");
  EXPECT_EQ(a[10].name, "=?utf-8?q?J=C3=B6rg?=");
}

TEST(Address, BrokenInputNeverThrows) {
  EXPECT_TRUE(parse_address_list("").empty());
  EXPECT_TRUE(parse_address_list(" , ,, ").empty());
  auto a = parse_address_list("Name <unterminated@x.example");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].host, "x.example");
  a = parse_address_list("user@example.com <user@example.com>");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].name, "user@example.com");
  a = parse_address_list("\"quoted local\"@example.com, ((nested) comment) x@[192.0.2.1]");
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].mailbox, "\"quoted local\"");
  EXPECT_EQ(a[1].host, "[192.0.2.1]");
  EXPECT_EQ(a[1].name, "(nested) comment");
  a = parse_address_list("Open group: a@b.example");  // unterminated group gets its end marker
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[2].kind, Address::Kind::GroupEnd);
  parse_address_list(std::string(5000, '(') + std::string(10, '<') + ":;@");
  a = parse_address_list("=?utf-8?q?a:b?= <x@y.example>");  // encoded-word with ':' stays one word
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].name, "=?utf-8?q?a:b?=");
}

// RFC 3501 §6.3.11 APPEND example message.
const char* kAppendExample =
    "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n"
    "From: Fred Foobar <foobar@Blurdybloop.COM>\r\n"
    "Subject: afternoon meeting\r\n"
    "To: mooch@owatagu.siam.edu\r\n"
    "Message-Id: <B27397-0100000@Blurdybloop.COM>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n"
    "\r\n"
    "Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n";

TEST(Envelope, AppendExample) {
  std::string raw = kAppendExample;
  auto m = parse(raw);
  EXPECT_EQ(envelope(raw, m),
            "(\"Mon, 7 Feb 1994 21:52:25 -0800 (PST)\" \"afternoon meeting\" "
            "((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.COM\")) "
            "((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.COM\")) "
            "((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.COM\")) "
            "((NIL NIL \"mooch\" \"owatagu.siam.edu\")) NIL NIL NIL \"<B27397-0100000@Blurdybloop.COM>\")");
  EXPECT_EQ(body_structure(raw, m, false), "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 55 1)");
  EXPECT_EQ(body_structure(raw, m, true),
            "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 55 1 NIL NIL NIL NIL)");
}

TEST(Envelope, GroupsDefaultsEmptyAndEightBit) {
  std::string raw =
      "From: =?utf-8?q?J=C3=B6rg?= <joerg@example.de>\r\n"
      "Reply-To:\r\n"
      "Sender: Secretary <sec@example.de>\r\n"
      "To: Team: a@example.com, \"B \\\"Q\\\" C\" <b@example.com>;, undisclosed-recipients:;\r\n"
      "Cc: Ren\xc3\xa9 <rene@example.fr>\r\n"
      "Subject:\r\n"
      "In-Reply-To: <x@y>\r\n"
      "\r\n";
  auto m = parse(raw);
  std::string env = envelope(raw, m);
  EXPECT_EQ(env,
            "(NIL \"\" ((\"=?utf-8?q?J=C3=B6rg?=\" NIL \"joerg\" \"example.de\")) "
            "((\"Secretary\" NIL \"sec\" \"example.de\")) "
            "((\"=?utf-8?q?J=C3=B6rg?=\" NIL \"joerg\" \"example.de\")) "
            "((NIL NIL \"Team\" NIL)(NIL NIL \"a\" \"example.com\")(\"B \\\"Q\\\" C\" NIL \"b\" \"example.com\")"
            "(NIL NIL NIL NIL)(NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) "
            "(({5}\r\nRen\xc3\xa9 NIL \"rene\" \"example.fr\")) NIL \"<x@y>\" NIL)");
  auto s = read_sexp(env);
  ASSERT_TRUE(s.has_value());
  ASSERT_EQ(s->items.size(), 10u);
  EXPECT_TRUE(s->items[6].items[0].items[0].literal);
}

TEST(Envelope, EmptyHeader) {
  std::string raw = "\r\nbody";
  auto m = parse(raw);
  EXPECT_EQ(envelope(raw, m), "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
}

const char* kMixed =
    "From: Alice <alice@example.org>\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer-b\"\r\n"
    "\r\n"
    "--outer-b\r\n"
    "Content-Type: multipart/alternative; boundary=inner\r\n"
    "\r\n"
    "--inner\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Hi Bob,\r\n"
    "see attached.\r\n"
    "--inner\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "\r\n"
    "<p>Hi Bob,</p>\r\n"
    "--inner--\r\n"
    "--outer-b\r\n"
    "Content-Type: application/pdf; name=\"report.pdf\"\r\n"
    "Content-Disposition: attachment; filename=\"report.pdf\"; size=12\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "Content-ID: <pdf1@example.org>\r\n"
    "Content-Description: The report\r\n"
    "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\n"
    "\r\n"
    "JVBERi0xLjQK\r\n"
    "--outer-b\r\n"
    "Content-Type: image/png\r\n"
    "Content-Disposition: inline\r\n"
    "Content-Transfer-Encoding: BASE64\r\n"
    "Content-Language: en, de\r\n"
    "Content-Location: http://example.org/logo.png\r\n"
    "\r\n"
    "iVBORw0KGgo=\r\n"
    "--outer-b--\r\n";

TEST(BodyStructure, MixedAlternativeAttachments) {
  std::string raw = kMixed;
  auto m = parse(raw);
  EXPECT_EQ(body_structure(raw, m, true),
            "(((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 22 2 NIL NIL NIL NIL)"
            "(\"TEXT\" \"HTML\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 14 1 NIL NIL NIL NIL) \"ALTERNATIVE\" "
            "(\"BOUNDARY\" \"inner\") NIL NIL NIL)"
            "(\"APPLICATION\" \"PDF\" (\"NAME\" \"report.pdf\") \"<pdf1@example.org>\" \"The report\" \"BASE64\" 12 "
            "\"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"report.pdf\" \"SIZE\" \"12\")) NIL NIL)"
            "(\"IMAGE\" \"PNG\" NIL NIL NIL \"BASE64\" 12 NIL (\"INLINE\" NIL) (\"en\" \"de\") "
            "\"http://example.org/logo.png\") \"MIXED\" (\"BOUNDARY\" \"outer-b\") NIL NIL NIL)");
  EXPECT_EQ(body_structure(raw, m, false),
            "(((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 22 2)"
            "(\"TEXT\" \"HTML\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 14 1) \"ALTERNATIVE\")"
            "(\"APPLICATION\" \"PDF\" (\"NAME\" \"report.pdf\") \"<pdf1@example.org>\" \"The report\" \"BASE64\" 12)"
            "(\"IMAGE\" \"PNG\" NIL NIL NIL \"BASE64\" 12) \"MIXED\")");
  EXPECT_TRUE(read_sexp(body_structure(raw, m, true)).has_value());
}

TEST(BodyStructure, MessageRfc822CarriesEnvelopeBodyAndLines) {
  std::string raw =
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: message/rfc822\r\n\r\n"
      "Subject: inner\r\nFrom: c@d.example\r\n\r\nline1\r\nline2\r\n"
      "--b--\r\n";
  auto m = parse(raw);
  // encapsulated message: 16 + 19 + 2 header bytes + "line1\r\nline2" (12) = 49 bytes in 5 lines
  EXPECT_EQ(body_structure(raw, m, false),
            "((\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 49 "
            "(NIL \"inner\" ((NIL NIL \"c\" \"d.example\")) ((NIL NIL \"c\" \"d.example\")) "
            "((NIL NIL \"c\" \"d.example\")) NIL NIL NIL NIL NIL) "
            "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 12 2) 5) \"MIXED\")");
}

TEST(BodyStructure, Rfc2231ParamsStaySevenBit) {
  std::string raw =
      "Content-Type: application/octet-stream; name*=utf-8''%E2%82%AC.txt; x*0=\"a\"; x*1=\"b\"\r\n"
      "Content-Disposition: attachment; filename*=utf-8'de'%E2%82%AC%20x.txt\r\n"
      "\r\nx";
  auto m = parse(raw);
  EXPECT_EQ(body_structure(raw, m, true),
            "(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME*\" \"utf-8''%E2%82%AC.txt\" \"X\" \"ab\") NIL NIL \"7BIT\" 1 "
            "NIL (\"ATTACHMENT\" (\"FILENAME*\" \"utf-8'de'%E2%82%AC%20x.txt\")) NIL NIL)");
}

TEST(BodyStructure, EmptyMultipartGetsPlaceholderPart) {
  std::string raw = "Content-Type: multipart/mixed; boundary=nope\r\n\r\nno parts\r\n";
  auto m = parse(raw);
  EXPECT_EQ(body_structure(raw, m, false),
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0) \"MIXED\")");
  EXPECT_TRUE(read_sexp(body_structure(raw, m, true)).has_value());
}

TEST(BodyStructure, EightBitDescriptionBecomesLiteral) {
  std::string raw = "Content-Type: text/plain; charset=\"utf-8\"; format=flowed\r\nContent-Description: \xc3\xa4\r\n\r\nx\r\n";
  auto m = parse(raw);
  auto bs = body_structure(raw, m, false);
  EXPECT_EQ(bs, "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL {2}\r\n\xc3\xa4 \"7BIT\" 3 1)");
  EXPECT_TRUE(read_sexp(bs).has_value());
}

}  // namespace
}  // namespace postamt::mime
