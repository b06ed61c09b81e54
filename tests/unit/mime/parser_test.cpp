// Tests for the MIME structure parser: offsets, multipart splitting (RFC 2046 §5.1.1), message/rfc822
// encapsulation, multipart/digest defaults, defects on broken input and the fatal limits.
#include <gtest/gtest.h>

#include <string>

#include "mime/message.hpp"

namespace postamt::mime {
namespace {

std::string body_of(std::string_view raw, const Part& p) { return std::string(raw.substr(p.body_begin, p.body_end - p.body_begin)); }
std::string header_of(std::string_view raw, const Part& p) {
  return std::string(raw.substr(p.header_begin, p.header_end - p.header_begin));
}

TEST(Parse, SimpleMessageOffsetsAndDefaults) {
  std::string raw = "Subject: hi\r\nFrom: a@b.example\r\n\r\nHello\r\nWorld\r\n";
  auto m = parse(raw);
  EXPECT_FALSE(m.fatal);
  EXPECT_TRUE(m.defects.empty());
  EXPECT_EQ(header_of(raw, m.root), "Subject: hi\r\nFrom: a@b.example\r\n\r\n");
  EXPECT_EQ(body_of(raw, m.root), "Hello\r\nWorld\r\n");
  EXPECT_EQ(m.root.body_lines, 2u);
  EXPECT_EQ(m.root.type, "text");
  EXPECT_EQ(m.root.subtype, "plain");
  EXPECT_EQ(m.root.encoding, "7bit");
  EXPECT_TRUE(m.root.children.empty());
}

TEST(Parse, BareLfLinesAndUnterminatedLastLine) {
  std::string raw = "Subject: hi\nContent-Type: TEXT/HTML; Charset=\"UTF-8\"\n\n<p>a</p>\nlast";
  auto m = parse(raw);
  EXPECT_EQ(body_of(raw, m.root), "<p>a</p>\nlast");
  EXPECT_EQ(m.root.body_lines, 2u);
  EXPECT_EQ(m.root.type, "text");
  EXPECT_EQ(m.root.subtype, "html");
  ASSERT_NE(m.root.param("charset"), nullptr);
  EXPECT_EQ(m.root.param("CHARSET")->value, "UTF-8");
  EXPECT_EQ(m.root.params[0].name, "charset");
}

TEST(Parse, HeaderOnlyMessageHasEmptyBody) {
  std::string raw = "Subject: no body\r\nTo: x@y.example\r\n";
  auto m = parse(raw);
  EXPECT_TRUE(m.defects.empty());
  EXPECT_EQ(m.root.header_end, raw.size());
  EXPECT_EQ(m.root.body_begin, raw.size());
  EXPECT_EQ(m.root.body_end, raw.size());
  EXPECT_EQ(m.root.body_lines, 0u);
}

const char* kAlternativeWithAttachments =
    "From: Alice <alice@example.org>\r\n"
    "To: bob@example.net\r\n"
    "Subject: report\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer-b\"\r\n"
    "\r\n"
    "This is the preamble.\r\n"
    "--outer-b\r\n"
    "Content-Type: multipart/alternative;\r\n"
    "\tboundary=inner\r\n"
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
    "\r\n"
    "--outer-b\r\n"
    "Content-Type: application/pdf; name=\"report.pdf\"\r\n"
    "Content-Disposition: attachment; filename=\"report.pdf\"; size=12\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "Content-ID: <pdf1@example.org>\r\n"
    "Content-Description: The report\r\n"
    "\r\n"
    "JVBERi0xLjQK\r\n"
    "--outer-b\r\n"
    "Content-Type: image/png\r\n"
    "Content-Disposition: inline\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "Content-Language: en, de (German)\r\n"
    "Content-Location: http://example.org/\r\n"
    " logo.png\r\n"
    "\r\n"
    "iVBORw0KGgo=\r\n"
    "--outer-b--\r\n"
    "epilogue here\r\n";

TEST(Parse, MultipartAlternativeWithAttachments) {
  std::string raw = kAlternativeWithAttachments;
  auto m = parse(raw);
  EXPECT_FALSE(m.fatal);
  EXPECT_TRUE(m.defects.empty());
  const Part& root = m.root;
  EXPECT_EQ(root.type, "multipart");
  EXPECT_EQ(root.subtype, "mixed");
  ASSERT_EQ(root.children.size(), 3u);
  EXPECT_EQ(raw.substr(root.body_begin, root.preamble_end - root.body_begin), "This is the preamble.");
  EXPECT_EQ(raw.substr(root.epilogue_begin, root.body_end - root.epilogue_begin), "epilogue here\r\n");

  const Part& alt = root.children[0];
  EXPECT_EQ(alt.subtype, "alternative");
  ASSERT_EQ(alt.children.size(), 2u);
  EXPECT_EQ(header_of(raw, alt.children[0]),
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n");
  EXPECT_EQ(body_of(raw, alt.children[0]), "Hi Bob,\r\nsee attached.");  // CRLF before delimiter excluded
  EXPECT_EQ(alt.children[0].body_lines, 2u);
  EXPECT_EQ(alt.children[0].encoding, "quoted-printable");
  EXPECT_EQ(body_of(raw, alt.children[1]), "<p>Hi Bob,</p>");
  EXPECT_EQ(body_of(raw, alt), std::string("--inner\r\n") + "Content-Type: text/plain; charset=utf-8\r\n"
                                   "Content-Transfer-Encoding: quoted-printable\r\n\r\nHi Bob,\r\nsee attached.\r\n"
                                   "--inner\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hi Bob,</p>\r\n"
                                   "--inner--\r\n");

  const Part& pdf = root.children[1];
  EXPECT_EQ(pdf.type, "application");
  EXPECT_EQ(pdf.subtype, "pdf");
  EXPECT_EQ(pdf.encoding, "base64");
  EXPECT_EQ(pdf.id, "<pdf1@example.org>");
  EXPECT_EQ(pdf.description, "The report");
  EXPECT_EQ(pdf.disposition, "attachment");
  ASSERT_EQ(pdf.disposition_params.size(), 2u);
  EXPECT_EQ(pdf.disposition_params[1].name, "size");
  EXPECT_EQ(attachment_name(pdf), "report.pdf");
  EXPECT_EQ(body_of(raw, pdf), "JVBERi0xLjQK");

  const Part& png = root.children[2];
  EXPECT_EQ(png.disposition, "inline");
  EXPECT_EQ(png.language, (std::vector<std::string>{"en", "de"}));
  EXPECT_EQ(png.location, "http://example.org/logo.png");
  EXPECT_EQ(body_of(raw, png), "iVBORw0KGgo=");
  EXPECT_FALSE(attachment_name(png).has_value());
}

TEST(Parse, NestedMessageRfc822) {
  std::string inner =
      "From: carol@example.com\r\n"
      "Subject: inner\r\n"
      "Content-Type: multipart/mixed; boundary=zz\r\n"
      "\r\n"
      "--zz\r\n"
      "\r\n"
      "inner text\r\n"
      "--zz--\r\n";
  std::string raw =
      "From: a@example.com\r\n"
      "Content-Type: multipart/mixed; boundary=b1\r\n"
      "\r\n"
      "--b1\r\n"
      "Content-Type: text/plain\r\n"
      "\r\n"
      "fwd:\r\n"
      "--b1\r\n"
      "Content-Type: message/rfc822\r\n"
      "\r\n" +
      inner +
      "--b1--\r\n";
  auto m = parse(raw);
  EXPECT_TRUE(m.defects.empty());
  ASSERT_EQ(m.root.children.size(), 2u);
  const Part& msg = m.root.children[1];
  EXPECT_TRUE(msg.is_message());
  // the part body is the whole inner message (the CRLF before "--b1--" belongs to the delimiter)
  EXPECT_EQ(body_of(raw, msg), inner.substr(0, inner.size() - 2));
  EXPECT_EQ(msg.body_lines, 8u);
  const Part& enc = msg.children[0];
  EXPECT_EQ(enc.header_begin, msg.body_begin);
  EXPECT_EQ(header_of(raw, enc), inner.substr(0, inner.find("\r\n\r\n") + 4));
  EXPECT_EQ(enc.type, "multipart");
  ASSERT_EQ(enc.children.size(), 1u);
  EXPECT_EQ(body_of(raw, enc.children[0]), "inner text");
  EXPECT_EQ(header_of(raw, enc.children[0]), "\r\n");  // a part with no header fields
  EXPECT_EQ(header_value(raw, enc, "subject"), "inner");
  EXPECT_EQ(header_value(raw, msg, "subject"), std::nullopt);
}

TEST(Parse, Base64MessageRfc822IsOpaque) {
  std::string raw = "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\nU3ViamVjdDogeA0KDQo=\r\n";
  auto m = parse(raw);
  EXPECT_TRUE(m.root.children.empty());
  EXPECT_FALSE(m.root.is_message());
}

TEST(Parse, MultipartWithoutBoundaryParameterIsText) {
  std::string raw = "Content-Type: multipart/mixed\r\n\r\n--x\r\nhello\r\n--x--\r\n";
  auto m = parse(raw);
  EXPECT_TRUE(m.has(Defect::MissingBoundary));
  EXPECT_FALSE(m.fatal);
  EXPECT_EQ(m.root.type, "text");
  EXPECT_TRUE(m.root.children.empty());
}

TEST(Parse, BoundaryThatNeverAppears) {
  std::string raw = "Content-Type: multipart/mixed; boundary=abc\r\n\r\nno delimiters at all\r\n";
  auto m = parse(raw);
  EXPECT_TRUE(m.has(Defect::MissingBoundary));
  EXPECT_EQ(m.root.type, "multipart");
  EXPECT_TRUE(m.root.children.empty());
  EXPECT_EQ(m.root.preamble_end, raw.size());
}

TEST(Parse, MissingCloseDelimiterRunsToEnd) {
  std::string raw = "Content-Type: multipart/mixed; boundary=abc\r\n\r\n--abc\r\n\r\none\r\n--abc\r\n\r\ntwo\r\nstill two\r\n";
  auto m = parse(raw);
  EXPECT_TRUE(m.has(Defect::UnterminatedMultipart));
  EXPECT_FALSE(m.fatal);
  ASSERT_EQ(m.root.children.size(), 2u);
  EXPECT_EQ(body_of(raw, m.root.children[0]), "one");
  EXPECT_EQ(body_of(raw, m.root.children[1]), "two\r\nstill two\r\n");
  EXPECT_EQ(m.root.epilogue_begin, raw.size());
}

TEST(Parse, BrokenCloseDelimiterAndLookalikes) {
  std::string raw =
      "Content-Type: multipart/mixed; boundary=abc\r\n\r\n"
      "--abc  \r\n\r\none\r\n--abcdef\r\n-- abc\r\n"  // not delimiters: longer boundary, space
      "--abc--garbage\r\nafter\r\n";
  auto m = parse(raw);
  EXPECT_FALSE(m.has(Defect::UnterminatedMultipart));
  ASSERT_EQ(m.root.children.size(), 1u);
  EXPECT_EQ(body_of(raw, m.root.children[0]), "one\r\n--abcdef\r\n-- abc");
  EXPECT_EQ(raw.substr(m.root.epilogue_begin), "after\r\n");
}

TEST(Parse, InnerPartEndsAtOuterDelimiterWhenItsCloseIsMissing) {
  std::string raw =
      "Content-Type: multipart/mixed; boundary=out\r\n\r\n"
      "--out\r\nContent-Type: multipart/alternative; boundary=in\r\n\r\n"
      "--in\r\n\r\nA\r\n"  // no --in--
      "--out\r\n\r\nB\r\n--out--\r\n";
  auto m = parse(raw);
  EXPECT_TRUE(m.has(Defect::UnterminatedMultipart));
  ASSERT_EQ(m.root.children.size(), 2u);
  ASSERT_EQ(m.root.children[0].children.size(), 1u);
  EXPECT_EQ(body_of(raw, m.root.children[0].children[0]), "A");
  EXPECT_EQ(body_of(raw, m.root.children[1]), "B");
}

TEST(Parse, EmptyPartsBetweenDelimiters) {
  std::string raw = "Content-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\n--q\r\n\r\nx\r\n--q--";
  auto m = parse(raw);
  ASSERT_EQ(m.root.children.size(), 2u);
  EXPECT_EQ(m.root.children[0].body_begin, m.root.children[0].body_end);
  EXPECT_EQ(body_of(raw, m.root.children[1]), "x");
  EXPECT_FALSE(m.has(Defect::UnterminatedMultipart));
}

TEST(Parse, DigestPartsDefaultToMessageRfc822) {
  std::string raw =
      "Content-Type: multipart/digest; boundary=d\r\n\r\n"
      "--d\r\n\r\nSubject: one\r\n\r\nfirst\r\n"
      "--d\r\nContent-Type: text/plain\r\n\r\nplain\r\n"
      "--d--\r\n";
  auto m = parse(raw);
  ASSERT_EQ(m.root.children.size(), 2u);
  const Part& d0 = m.root.children[0];
  EXPECT_EQ(d0.type, "message");
  EXPECT_EQ(d0.subtype, "rfc822");
  ASSERT_TRUE(d0.is_message());
  EXPECT_EQ(header_value(raw, d0.children[0], "Subject"), "one");
  EXPECT_EQ(body_of(raw, d0.children[0]), "first");
  EXPECT_EQ(m.root.children[1].type, "text");
}

TEST(Parse, EightBitHeaderIsADefectNotAnError) {
  std::string raw = "Subject: Gr\xc3\xbc\xc3\x9f" "e\r\n\r\nbody\r\n";
  auto m = parse(raw);
  EXPECT_TRUE(m.has(Defect::EightBitHeader));
  EXPECT_FALSE(m.fatal);
  EXPECT_EQ(header_value(raw, m.root, "subject"), "Gr\xc3\xbc\xc3\x9f" "e");
}

TEST(Parse, MissingBlankLineStartsBodyAtFirstNonHeaderLine) {
  std::string raw = "Subject: x\r\nthis is the body\r\nmore\r\n";
  auto m = parse(raw);
  EXPECT_TRUE(m.has(Defect::NoHeaderBodySeparator));
  EXPECT_EQ(header_of(raw, m.root), "Subject: x\r\n");
  EXPECT_EQ(body_of(raw, m.root), "this is the body\r\nmore\r\n");
}

TEST(Parse, ContinuationWithoutFieldAndMboxFromLine) {
  auto m = parse(" leading continuation\r\nSubject: a\r\n\r\n");
  EXPECT_TRUE(m.has(Defect::BadHeaderLine));
  std::string raw = "From someone@example.com Mon Jan  1 00:00:00 2024\r\nSubject: a\r\n\r\nb";
  auto m2 = parse(raw);
  EXPECT_EQ(header_value(raw, m2.root, "Subject"), "a");
  EXPECT_EQ(body_of(raw, m2.root), "b");
}

TEST(Parse, BadEncodedWordRecorded) {
  EXPECT_TRUE(parse("Subject: =?x-no-such-charset?q?abc?=\r\n\r\n").has(Defect::BadEncodedWord));
  EXPECT_TRUE(parse("Subject: =?utf-8?b?!!!?=\r\n\r\n").has(Defect::BadEncodedWord));
  EXPECT_FALSE(parse("Subject: =?utf-8?b?w6Q=?=\r\n\r\n").has(Defect::BadEncodedWord));
}

TEST(HeaderAccess, UnfoldsAndMatchesCaseInsensitively) {
  std::string raw =
      "Received: one\r\nSUBJECT: folded\r\n  across\r\n\tlines  \r\nReceived: two\r\nX-Empty:\r\nX-Sp : v\r\n\r\nbody: not a header\r\n";
  auto m = parse(raw);
  EXPECT_EQ(header_value(raw, m.root, "subject"), "folded  across\tlines");
  EXPECT_EQ(header_value(raw, m.root, "received"), "one");
  EXPECT_EQ(header_value(raw, m.root, "x-empty"), "");
  EXPECT_EQ(header_value(raw, m.root, "X-Sp"), "v");
  EXPECT_EQ(header_value(raw, m.root, "body"), std::nullopt);
  auto fields = header_fields(raw, m.root);
  ASSERT_EQ(fields.size(), 5u);
  EXPECT_EQ(fields[0], (std::pair<std::string, std::string>{"Received", "one"}));
  EXPECT_EQ(fields[2].second, "two");
  EXPECT_EQ(fields[1].first, "SUBJECT");
}

TEST(HeaderAccess, ContentTypeDefaultsOnGarbage) {
  auto m = parse("Content-Type: garbage\r\nContent-Transfer-Encoding: (c) BASE64 \r\n\r\nx");
  EXPECT_EQ(m.root.type, "text");
  EXPECT_EQ(m.root.subtype, "plain");
  EXPECT_EQ(m.root.encoding, "base64");
}

// --- limits: fatal only here, never a crash or unbounded recursion ---

std::string nested_multipart(int levels) {
  std::string head, tail;
  for (int i = 0; i < levels; ++i) {
    std::string b = "b" + std::to_string(i);
    head += "Content-Type: multipart/mixed; boundary=" + b + "\r\n\r\n--" + b + "\r\n";
    tail = "\r\n--" + b + "--" + tail;
  }
  return head + "\r\nleaf" + tail + "\r\n";
}

std::string nested_rfc822(int levels) {
  std::string s;
  for (int i = 0; i < levels; ++i) s += "Content-Type: message/rfc822\r\n\r\n";
  return s + "Subject: leaf\r\n\r\nleaf\r\n";
}

TEST(Limits, ThousandLevelMultipartIsFatal) {
  std::string raw = nested_multipart(1000);
  auto m = parse(raw);
  EXPECT_TRUE(m.fatal);
  EXPECT_TRUE(m.has(Defect::DepthLimit));
  EXPECT_NE(m.fatal_reason.find("nesting"), std::string::npos);
  EXPECT_FALSE(body_structure(raw, m, true).empty());  // output on a partial tree stays bounded
}

TEST(Limits, ThousandLevelMessageRfc822IsFatalEvenWithHugeLimit) {
  std::string raw = nested_rfc822(1000);
  auto m = parse(raw);
  EXPECT_TRUE(m.fatal);
  EXPECT_TRUE(m.has(Defect::DepthLimit));
  Limits huge;
  huge.max_depth = 1000000;  // the built-in hard cap still bounds the tree
  auto m2 = parse(raw, huge);
  EXPECT_TRUE(m2.fatal);
  EXPECT_FALSE(envelope(raw, m2).empty());
}

TEST(Limits, DepthExactlyAtLimitIsAccepted) {
  Limits l;
  l.max_depth = 5;
  EXPECT_FALSE(parse(nested_multipart(5), l).fatal);
  EXPECT_TRUE(parse(nested_multipart(6), l).fatal);
  EXPECT_FALSE(parse(nested_rfc822(5), l).fatal);
  EXPECT_TRUE(parse(nested_rfc822(6), l).fatal);
}

TEST(Limits, TooManyParts) {
  std::string raw = "Content-Type: multipart/mixed; boundary=p\r\n\r\n";
  for (int i = 0; i < 50; ++i) raw += "--p\r\n\r\nx\r\n";
  raw += "--p--\r\n";
  Limits l;
  l.max_parts = 50;
  auto m = parse(raw, l);
  EXPECT_TRUE(m.fatal);
  EXPECT_TRUE(m.has(Defect::PartLimit));
  l.max_parts = 51;
  auto ok = parse(raw, l);
  EXPECT_FALSE(ok.fatal);
  EXPECT_EQ(ok.root.children.size(), 50u);
}

TEST(Limits, HeaderTooBig) {
  std::string raw = "Subject: x\r\n";
  for (int i = 0; i < 100; ++i) raw += "X-Filler: " + std::string(100, 'a') + "\r\n";
  raw += "\r\nbody";
  Limits l;
  l.max_header_bytes = 4096;
  auto m = parse(raw, l);
  EXPECT_TRUE(m.fatal);
  EXPECT_TRUE(m.has(Defect::HeaderTooBig));
  EXPECT_FALSE(parse(raw).fatal);
}

}  // namespace
}  // namespace postamt::mime
