// Tests for DataReader: dot-unstuffing, strict CRLF.CRLF end mark, SMTP smuggling variants, size limit.
// Every case is fed whole and byte by byte.
#include "smtp/protocol/data_reader.hpp"

#include <gtest/gtest.h>

namespace postamt::smtp::protocol {
namespace {

struct Outcome {
  bool done = false;
  std::size_t consumed = 0;
  std::string message;
  bool bare_lf = false, bare_cr = false, too_big = false;
  std::uint64_t size = 0;
  bool operator==(const Outcome&) const = default;
};

void PrintTo(const Outcome& o, std::ostream* os) {
  *os << "{done=" << o.done << " consumed=" << o.consumed << " message=" << ::testing::PrintToString(o.message)
      << " bare_lf=" << o.bare_lf << " bare_cr=" << o.bare_cr << " too_big=" << o.too_big << " size=" << o.size << "}";
}

Outcome run_whole(std::string_view input, std::uint64_t max = 0) {
  DataReader r(max);
  Outcome o;
  o.consumed = r.feed(input, o.message);
  o.done = r.done();
  o.bare_lf = r.bare_lf_seen();
  o.bare_cr = r.bare_cr_seen();
  o.too_big = r.too_big();
  o.size = r.size();
  return o;
}

Outcome run_bytewise(std::string_view input, std::uint64_t max = 0) {
  DataReader r(max);
  Outcome o;
  for (std::size_t i = 0; i < input.size(); ++i) {
    std::size_t n = r.feed(input.substr(i, 1), o.message);
    o.consumed += n;
    if (r.done()) {
      EXPECT_EQ(n, 1u);
      break;
    }
    EXPECT_EQ(n, 1u) << "byte " << i << " not consumed before done";
  }
  o.done = r.done();
  o.bare_lf = r.bare_lf_seen();
  o.bare_cr = r.bare_cr_seen();
  o.too_big = r.too_big();
  o.size = r.size();
  return o;
}

struct Case {
  const char* name;
  std::string input;
  bool done;
  std::string message;       // expected message octets
  std::size_t consumed;      // expected consumed count
  bool bare_lf, bare_cr;
};

const std::string kEnd = ".\r\n";

std::vector<Case> cases() {
  using namespace std::string_literals;
  return {
      {"empty message", ".\r\n", true, "", 3, false, false},
      {"simple", "Subject: x\r\n\r\nbody\r\n.\r\n", true, "Subject: x\r\n\r\nbody\r\n", 23, false, false},
      {"trailing bytes stay unconsumed", "a\r\n.\r\nQUIT\r\n", true, "a\r\n", 6, false, false},
      {"dot unstuffing", "..hidden\r\n...\r\n.x\r\n.\r\n", true, ".hidden\r\n..\r\nx\r\n", 22, false, false},
      {"dot in middle of line kept", "a.b\r\na\r\n.\r\n", true, "a.b\r\na\r\n", 11, false, false},
      {"dot line then more", "\r\n..\r\n.\r\n", true, "\r\n.\r\n", 9, false, false},
      {"no end yet", "hello\r\n", false, "hello\r\n", 7, false, false},
      {"pending CR not emitted", "hello\r", false, "hello", 6, false, false},
      // SMTP smuggling (2023): none of these may end the data.
      {"smuggle LF.CRLF", "a\n.\r\nMAIL FROM:<x@y>\r\n", false, "a\n.\r\nMAIL FROM:<x@y>\r\n", 22, true, false},
      {"smuggle CRLF.LF", "a\r\n.\nRCPT TO:<x@y>\r\n", false, "a\r\n\nRCPT TO:<x@y>\r\n", 20, true, false},
      {"smuggle CR.CR", "a\r.\rDATA\r\n", false, "a\r.\rDATA\r\n", 10, false, true},
      {"smuggle LF.LF", "a\n.\nX\r\n", false, "a\n.\nX\r\n", 7, true, false},
      {"smuggle CR.CRLF", "a\r.\r\nX", false, "a\r.\r\nX", 6, false, true},
      {"smuggle CRLF.CR", "a\r\n.\rX\r\n", false, "a\r\n\rX\r\n", 8, false, true},
      {"smuggle then real end", "a\n.\r\nb\r\n.\r\n", true, "a\n.\r\nb\r\n", 11, true, false},
      {"bare LF at start", "\n.\r\n.\r\n", true, "\n.\r\n", 7, true, false},
      {"CR CR LF", "a\r\r\n.\r\n", true, "a\r\r\n", 7, false, true},
      {"dot CR CR LF", ".\r\r\n.\r\n", true, "\r\r\n", 7, false, true},
      {"NUL and 8-bit pass through", "\0\xff\r\n.\r\n"s, true, "\0\xff\r\n"s, 7, false, false},
  };
}

TEST(DataReader, TableWholeAndBytewise) {
  for (const auto& c : cases()) {
    Outcome want{c.done, c.consumed, c.message, c.bare_lf, c.bare_cr, false, c.message.size()};
    EXPECT_EQ(run_whole(c.input), want) << c.name << " (whole)";
    EXPECT_EQ(run_bytewise(c.input), want) << c.name << " (byte by byte)";
  }
}

TEST(DataReader, SplitAtEveryPosition) {
  const std::string input = "From: a\r\n..dot\r\nx\r\n.\r\nNEXT";
  for (std::size_t cut = 0; cut <= input.size(); ++cut) {
    DataReader r;
    std::string out;
    std::size_t n = r.feed(std::string_view(input).substr(0, cut), out);
    if (!r.done()) n += r.feed(std::string_view(input).substr(cut), out);
    EXPECT_TRUE(r.done()) << cut;
    EXPECT_EQ(n, input.size() - 4) << cut;
    EXPECT_EQ(out, "From: a\r\n.dot\r\nx\r\n") << cut;
  }
}

TEST(DataReader, SizeLimitKeepsConsumingToEnd) {
  std::string input = std::string(100, 'x') + "\r\n" + std::string(100, 'y') + "\r\n.\r\nQUIT\r\n";
  for (bool bytewise : {false, true}) {
    Outcome o = bytewise ? run_bytewise(input, 150) : run_whole(input, 150);
    EXPECT_TRUE(o.done);
    EXPECT_TRUE(o.too_big);
    EXPECT_EQ(o.size, 204u);
    EXPECT_LE(o.message.size(), 150u);
    EXPECT_EQ(o.consumed, input.size() - 6);
  }
  Outcome exact = run_whole("abc\r\n.\r\n", 5);
  EXPECT_FALSE(exact.too_big);
  EXPECT_EQ(exact.message, "abc\r\n");
  EXPECT_TRUE(run_whole("abcd\r\n.\r\n", 5).too_big);
}

TEST(DataReader, FeedAfterDoneConsumesNothing) {
  DataReader r;
  std::string out;
  EXPECT_EQ(r.feed(".\r\n", out), 3u);
  EXPECT_TRUE(r.done());
  EXPECT_EQ(r.feed("more", out), 0u);
  r.reset();
  EXPECT_FALSE(r.done());
  EXPECT_EQ(r.feed("more", out), 4u);
}

}  // namespace
}  // namespace postamt::smtp::protocol
