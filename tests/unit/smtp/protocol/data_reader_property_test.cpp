// Property tests for DataReader against a plain reference model, on random inputs drawn from the
// octets that matter ("\r", "\n", ".", "a") and fed in random chunk sizes (deterministic seed).
#include <gtest/gtest.h>

#include <random>

#include "smtp/protocol/data_reader.hpp"

namespace postamt::smtp::protocol {
namespace {

struct Reference {
  std::size_t end = 0;  // octets consumed, end mark included
  std::string message;
  bool bare_lf = false, bare_cr = false;
};

// The end is the first ".\r\n" at the start or the first "\r\n.\r\n" (RFC 5321 §4.1.1.4); every "\r\n"
// in the input is a real line end, so a "." right after one (or at the start) is a stuffing dot.
Reference reference(const std::string& s) {
  Reference r;
  std::size_t dot;
  if (s.compare(0, 3, ".\r\n") == 0) {
    dot = 0;
  } else {
    auto p = s.find("\r\n.\r\n");
    if (p == std::string::npos) return r;  // callers always append an end mark
    dot = p + 2;
  }
  r.end = dot + 3;
  for (std::size_t i = 0; i < dot; ++i) {
    bool line_start = i == 0 || (i >= 2 && s[i - 2] == '\r' && s[i - 1] == '\n');
    if (s[i] == '.' && line_start) continue;
    r.message.push_back(s[i]);
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) r.bare_lf = true;
    if (s[i] == '\r' && s[i + 1] != '\n') r.bare_cr = true;
  }
  return r;
}

TEST(DataReaderProperty, MatchesReferenceOnRandomInput) {
  std::mt19937 rng(20231218);
  const char alphabet[] = {'\r', '\n', '.', 'a'};
  for (int round = 0; round < 3000; ++round) {
    std::string s;
    std::size_t len = rng() % 24;
    for (std::size_t i = 0; i < len; ++i) s.push_back(alphabet[rng() % 4]);
    s += "\r\n.\r\nTAIL";
    Reference want = reference(s);
    DataReader reader;
    std::string out;
    std::size_t consumed = 0, pos = 0;
    while (pos < s.size() && !reader.done()) {
      std::size_t chunk = 1 + rng() % 5;
      std::size_t n = reader.feed(std::string_view(s).substr(pos, chunk), out);
      consumed += n;
      pos += std::min(chunk, s.size() - pos);
    }
    SCOPED_TRACE(::testing::PrintToString(s));
    ASSERT_TRUE(reader.done());
    EXPECT_EQ(consumed, want.end);
    EXPECT_EQ(out, want.message);
    EXPECT_EQ(reader.bare_lf_seen(), want.bare_lf);
    EXPECT_EQ(reader.bare_cr_seen(), want.bare_cr);
    EXPECT_EQ(reader.size(), want.message.size());
  }
}

// A clean CRLF message, dot-stuffed the way a client does (RFC 5321 §4.5.2), comes back unchanged.
TEST(DataReaderProperty, StuffedMessagesRoundTrip) {
  std::mt19937 rng(42);
  const char* pieces[] = {"a", ".", "..", " ", "\r\n", "\r\n.", "x.y"};
  for (int round = 0; round < 1000; ++round) {
    std::string msg;
    std::size_t n = rng() % 12;
    for (std::size_t i = 0; i < n; ++i) msg += pieces[rng() % 7];
    if (!msg.empty() && (msg.size() < 2 || msg.compare(msg.size() - 2, 2, "\r\n") != 0)) msg += "\r\n";
    std::string wire;
    bool line_start = true;
    for (std::size_t i = 0; i < msg.size(); ++i) {
      if (line_start && msg[i] == '.') wire.push_back('.');
      wire.push_back(msg[i]);
      line_start = msg[i] == '\n';
    }
    wire += ".\r\n";
    DataReader reader;
    std::string out;
    EXPECT_EQ(reader.feed(wire, out), wire.size());
    EXPECT_TRUE(reader.done());
    EXPECT_FALSE(reader.bare_line_ending_seen());
    EXPECT_EQ(out, msg) << ::testing::PrintToString(wire);
  }
}

}  // namespace
}  // namespace postamt::smtp::protocol
