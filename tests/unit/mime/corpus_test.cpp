// Real-world messages from tests/corpus/mime (third-party test corpora): every file parses without
// a fatal error, offsets nest properly, and ENVELOPE/BODYSTRUCTURE follow the RFC 3501 §9 grammar;
// plus golden checks on selected files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "imap_sexp.hpp"
#include "mime/message.hpp"

namespace postamt::mime {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(POSTAMT_CORPUS_DIR) / "mime";

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<fs::path> corpus_files() {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(kCorpus))
    if (e.is_regular_file() && e.path().filename() != "README.md") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// Offsets: [header_begin, header_end) then the body up to body_end; children inside the body, in order.
void check_offsets(const Part& p, std::size_t size, const std::string& where, int& count) {
  ++count;
  ASSERT_LE(p.header_begin, p.header_end) << where;
  ASSERT_EQ(p.header_end, p.body_begin) << where;
  ASSERT_LE(p.body_begin, p.body_end) << where;
  ASSERT_LE(p.body_end, size) << where;
  if (p.is_message()) {
    ASSERT_EQ(p.children[0].header_begin, p.body_begin) << where;
    ASSERT_EQ(p.children[0].body_end, p.body_end) << where;
  }
  std::size_t prev = p.body_begin;
  for (const auto& c : p.children) {
    ASSERT_GE(c.header_begin, prev) << where;
    ASSERT_LE(c.body_end, p.body_end) << where;
    prev = c.body_end;
    check_offsets(c, size, where, count);
  }
}

TEST(Corpus, EveryMessageParsesAndFormats) {
  auto files = corpus_files();
  ASSERT_GT(files.size(), 200u) << "corpus missing at " << kCorpus;
  for (const auto& f : files) {
    std::string raw = slurp(f);
    std::string where = f.lexically_relative(kCorpus).string();
    auto m = parse(raw);
    EXPECT_FALSE(m.fatal) << where << ": " << m.fatal_reason;
    int parts = 0;
    check_offsets(m.root, raw.size(), where, parts);
    for (bool ext : {false, true}) {
      std::string bs = body_structure(raw, m, ext);
      auto s = testing::read_sexp(bs);
      ASSERT_TRUE(s.has_value()) << where << " BODYSTRUCTURE: " << bs;
    }
    std::string env = envelope(raw, m);
    auto e = testing::read_sexp(env);
    ASSERT_TRUE(e.has_value()) << where << " ENVELOPE: " << env;
    ASSERT_EQ(e->items.size(), 10u) << where;
    for (int i = 2; i < 8; ++i) {  // address lists: NIL or lists of 4-element address structures
      if (e->items[i].kind == testing::Sexp::Kind::Nil) continue;
      for (const auto& a : e->items[i].items) ASSERT_EQ(a.items.size(), 4u) << where;
    }
  }
}

// Deterministic mutations (truncations, byte flips, injected delimiters) of real messages: never a
// crash, offsets stay consistent and the IMAP strings stay well-formed.
TEST(Corpus, MutatedMessagesStayWellFormed) {
  std::uint32_t seed = 12345;
  auto rnd = [&seed] {
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
  };
  const char* kInject[] = {"\r\n--", "=?utf-8?b?", "\r\n\r\n", "Content-Type: multipart/mixed; boundary=\"\"\r\n",
                           "\x80\xff", "(", "\"", ";", "name*0*=utf-8''%", "message/rfc822\r\n\r\n"};
  auto files = corpus_files();
  for (std::size_t fi = 0; fi < files.size(); fi += 7) {
    std::string orig = slurp(files[fi]);
    if (orig.size() > 64 * 1024) continue;
    for (int round = 0; round < 12 && !orig.empty(); ++round) {
      std::string raw = orig;
      switch (round % 3) {
        case 0: raw.resize(rnd() % raw.size()); break;
        case 1:
          for (int k = 0; k < 8; ++k) raw[rnd() % raw.size()] = static_cast<char>(rnd() & 0xFF);
          break;
        default: raw.insert(rnd() % raw.size(), kInject[rnd() % 10]); break;
      }
      auto m = parse(raw);
      int parts = 0;
      check_offsets(m.root, raw.size(), files[fi].string(), parts);
      ASSERT_TRUE(testing::read_sexp(body_structure(raw, m, true)).has_value()) << files[fi] << " round " << round;
      ASSERT_TRUE(testing::read_sexp(envelope(raw, m)).has_value()) << files[fi] << " round " << round;
    }
  }
}

TEST(Corpus, Rfc2049AppendixAGolden) {
  auto path = kCorpus / "mail-parser/resources/eml/rfc/000.eml";
  std::string raw = slurp(path);
  auto m = parse(raw);
  EXPECT_TRUE(m.defects.empty());
  EXPECT_EQ(envelope(raw, m),
            "(\"Fri, 07 Oct 1994 16:15:05 -0700 (PDT)\" \"A multipart example\" "
            "((\"Nathaniel Borenstein\" NIL \"nsb\" \"nsb.fv.com\")) ((\"Nathaniel Borenstein\" NIL \"nsb\" \"nsb.fv.com\")) "
            "((\"Nathaniel Borenstein\" NIL \"nsb\" \"nsb.fv.com\")) ((\"Ned Freed\" NIL \"ned\" \"innosoft.com\")) "
            "NIL NIL NIL NIL)");
  EXPECT_EQ(body_structure(raw, m, false),
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 262 7)"
            "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 111 3)"
            "((\"AUDIO\" \"BASIC\" NIL NIL NIL \"BASE64\" 85)(\"IMAGE\" \"JPEG\" NIL NIL NIL \"BASE64\" 44) \"PARALLEL\")"
            "(\"TEXT\" \"ENRICHED\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 140 5)"
            "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 223 "
            "(NIL \"(subject in US-ASCII)\" NIL NIL NIL NIL NIL NIL NIL NIL) "
            "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"ISO-8859-1\") NIL NIL \"QUOTED-PRINTABLE\" 48 1) 7) \"MIXED\")");
  // the first part has no header fields: its header section is just the blank line
  const Part& first = m.root.children[0];
  EXPECT_EQ(raw.substr(first.header_begin, first.header_end - first.header_begin), "\n");
  EXPECT_EQ(raw.substr(first.body_begin, 30), "... Some text appears here ...");
  const Part& inner = m.root.children[4].children[0];
  EXPECT_EQ(raw.substr(inner.body_begin, inner.body_end - inner.body_begin).substr(0, 12), "... Addition");
}

TEST(Corpus, Rfc2231LongJapaneseFileName) {
  std::string raw = slurp(kCorpus / "mail/spec/fixtures/emails/multi_charset/japanese_attachment_long_name.eml");
  auto m = parse(raw);
  ASSERT_FALSE(m.fatal);
  std::string kana = "\xe3\x81\x8b\xe3\x81\x8d\xe3\x81\x8f\xe3\x81\x91\xe3\x81\x93";  // かきくけこ
  bool found = false;
  for (const auto& c : m.root.children) {
    if (c.disposition == "attachment") {
      EXPECT_EQ(attachment_name(c), kana + kana + kana + kana + kana + ".txt");
      found = true;
    }
  }
  EXPECT_TRUE(found);
  auto subject = header_value(raw, m.root, "Subject");
  ASSERT_TRUE(subject.has_value());
  std::string decoded = decode_words(*subject);
  EXPECT_EQ(decoded.find("=?"), std::string::npos);
  EXPECT_EQ(decoded.substr(0, 6), "\xe3\x81\xbe\xe3\x81\xbf");  // まみ
}

TEST(Corpus, MalformedMessagesRecordDefectsNotFatal) {
  int with_defects = 0, total = 0;
  for (const auto& e : fs::directory_iterator(kCorpus / "mail-parser/resources/eml/malformed")) {
    std::string raw = slurp(e.path());
    auto m = parse(raw);
    EXPECT_FALSE(m.fatal) << e.path();
    ++total;
    if (!m.defects.empty()) ++with_defects;
  }
  EXPECT_EQ(total, 23);
  EXPECT_GE(with_defects, 18);  // most of these are broken on purpose
}

TEST(Corpus, MimeKitStackOverflowMessage) {
  // A To: field of 2700 folded encoded-words containing ':' (MimeKit issue fixture).
  std::string raw = slurp(kCorpus / "MimeKit/UnitTests/TestData/messages/stack-overflow.txt");
  auto m = parse(raw);
  EXPECT_FALSE(m.fatal);
  auto env = testing::read_sexp(envelope(raw, m));
  ASSERT_TRUE(env.has_value());
  ASSERT_EQ(env->items[5].items.size(), 2u);  // "test" <test@test.com> and one broken bare phrase
  EXPECT_EQ(env->items[5].items[0].items[3].text, "test.com");
  EXPECT_EQ(body_structure(raw, m, false), "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 14 2)");
}

TEST(Corpus, EmptyMultipartAndDigest) {
  std::string raw = slurp(kCorpus / "MimeKit/UnitTests/TestData/messages/empty-multipart.txt");
  auto m = parse(raw);
  EXPECT_TRUE(m.has(Defect::MissingBoundary));
  EXPECT_TRUE(testing::read_sexp(body_structure(raw, m, true)).has_value());
  raw = slurp(kCorpus / "MimeKit/UnitTests/TestData/messages/multipart-digest.txt");
  m = parse(raw);
  ASSERT_FALSE(m.fatal);
  ASSERT_TRUE(m.root.is_message());  // a message/rfc822 root wrapping a multipart/digest
  const Part& digest = m.root.children[0];
  EXPECT_EQ(digest.subtype, "digest");
  ASSERT_EQ(digest.children.size(), 2u);  // delimiters "--foo " carry transport padding
  for (const auto& c : digest.children) EXPECT_TRUE(c.is_message());
  const Part& m2 = digest.children[1].children[0];
  EXPECT_EQ(header_value(raw, m2, "Subject"), "m2");
  EXPECT_EQ(raw.substr(m2.body_begin, m2.body_end - m2.body_begin), "m2 body\n");
  EXPECT_EQ(header_value(raw, digest.children[1], "X-Mime"), "m2 header");
}

TEST(Corpus, TightLimitsAreFatalOnRealMail) {
  std::string raw = slurp(kCorpus / "mail-parser/resources/eml/rfc/000.eml");
  Limits l;
  l.max_depth = 1;  // 000.eml nests multipart/parallel inside multipart/mixed
  auto m = parse(raw, l);
  EXPECT_TRUE(m.fatal);
  EXPECT_TRUE(m.has(Defect::DepthLimit));
  l = Limits{};
  l.max_parts = 5;
  EXPECT_TRUE(parse(raw, l).has(Defect::PartLimit));
}

}  // namespace
}  // namespace postamt::mime
