// Property tests on random input (deterministic seeds): dot_stuff never lets a "." line through and
// unstuffs back to the CRLF-normalised message; the command parser never crashes and stays bounded.
#include <gtest/gtest.h>

#include <random>

#include "pop3/protocol/command.hpp"
#include "pop3/protocol/limits.hpp"
#include "pop3/protocol/multiline.hpp"

namespace postamt::pop3::protocol {
namespace {

std::string normalise(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += "\r\n";
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else if (s[i] == '\n') {
      out += "\r\n";
    } else {
      out.push_back(s[i]);
    }
  }
  if (!out.empty() && out.back() != '\n') out += "\r\n";
  return out;
}

TEST(DotStuffProperty, RandomMessages) {
  std::mt19937 rng(1939);
  const char alphabet[] = {'\r', '\n', '.', 'a'};
  for (int round = 0; round < 3000; ++round) {
    std::string in;
    std::size_t len = rng() % 20;
    for (std::size_t i = 0; i < len; ++i) in.push_back(alphabet[rng() % 4]);
    std::string stuffed = dot_stuff(in);
    SCOPED_TRACE(::testing::PrintToString(in));
    // Only CRLF line ends, and no line consisting of a single ".".
    for (std::size_t i = 0; i < stuffed.size(); ++i) {
      if (stuffed[i] == '\r') {
        ASSERT_TRUE(i + 1 < stuffed.size() && stuffed[i + 1] == '\n');
      }
      if (stuffed[i] == '\n') {
        ASSERT_TRUE(i > 0 && stuffed[i - 1] == '\r');
      }
    }
    std::string whole = stuffed + std::string(kTerminator);
    // The first end mark a client can see is the real one.
    std::size_t first_end = whole.compare(0, 3, ".\r\n") == 0 ? 3 : whole.find("\r\n.\r\n") + 5;
    EXPECT_EQ(first_end, whole.size());
    // Unstuffing (as a client does) gives the normalised message back.
    std::string back;
    bool line_start = true;
    for (char c : stuffed) {
      if (!(line_start && c == '.')) back.push_back(c);
      line_start = c == '\n';
    }
    // The rule above drops every line-initial dot; stuffing doubled them, so one survives.
    EXPECT_EQ(back, normalise(in));
  }
}

TEST(Pop3CommandProperty, RandomLinesNeverCrash) {
  std::mt19937 rng(5034);
  const std::string words[] = {"USER", "PASS", "APOP", "AUTH", "TOP", "RETR", "LIST", "uidl", " ", "  ", "0", "1",
                               "2147483648", "=", "abc", "\x80", "-", "c4c9334bac560ecc979e58001b3e22fb"};
  for (int round = 0; round < 5000; ++round) {
    std::string line;
    std::size_t n = rng() % 6;
    for (std::size_t i = 0; i < n; ++i) line += words[rng() % std::size(words)];
    if (rng() % 50 == 0) line += std::string(rng() % 400, 'x');
    ParseResult r = parse_command(line);
    if (auto* c = std::get_if<Command>(&r)) {
      EXPECT_LE(line.size() + 2, kMaxCommandLine);
      if (c->msg) {
        EXPECT_GE(*c->msg, 1u);
        EXPECT_LE(*c->msg, kMaxMessageNumber);
      }
    }
  }
}

}  // namespace
}  // namespace postamt::pop3::protocol
