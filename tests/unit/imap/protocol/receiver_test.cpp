// Receiver: command framing, literals (sync, LITERAL+, literal8), limits and error recovery,
// fed whole and byte by byte.
#include "imap/protocol/receiver.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>
#include <algorithm>

using namespace std::string_literals;

namespace postamt::imap::protocol {
namespace {

// Feeds `input` in chunks of `chunk` bytes (0 = all at once) and records every event as text.
std::vector<std::string> run(std::string_view input, std::size_t chunk, Limits limits = {}) {
  Receiver r(limits);
  std::vector<std::string> out;
  std::size_t pos = 0;
  for (;;) {
    auto ev = r.next();
    if (std::holds_alternative<NeedMore>(ev)) {
      if (pos >= input.size()) break;
      const std::size_t n = chunk == 0 ? input.size() : std::min(chunk, input.size() - pos);
      r.feed(input.substr(pos, n));
      pos += n;
    } else if (auto* c = std::get_if<NeedContinuation>(&ev)) {
      out.push_back("+" + std::to_string(c->literal_size));
    } else if (auto* cmd = std::get_if<RawCommand>(&ev)) {
      out.push_back("C[" + cmd->tag + "|" + cmd->name + "|" + cmd->args + "]");
    } else if (auto* e = std::get_if<ReceiveError>(&ev)) {
      out.push_back(std::string(e->fatal ? "FATAL[" : "E[") + e->tag + "|" + e->text + "]");
      if (e->fatal) break;
    } else {
      out.push_back("?");
    }
  }
  return out;
}

struct Case {
  const char* name;
  std::string input;
  std::vector<std::string> expected;
  Limits limits{};
};

Limits small() {
  Limits l;
  l.max_line = 40;
  l.max_literal = 10;
  l.max_nonsync_literal = 10;
  l.max_skip_literal = 20;
  l.max_command = 1000;
  return l;
}

class ReceiverTable : public ::testing::TestWithParam<Case> {};

TEST_P(ReceiverTable, WholeAndByteByByte) {
  const auto& c = GetParam();
  EXPECT_EQ(run(c.input, 0, c.limits), c.expected) << "whole";
  EXPECT_EQ(run(c.input, 1, c.limits), c.expected) << "byte by byte";
  EXPECT_EQ(run(c.input, 3, c.limits), c.expected) << "3-byte chunks";
}

const Case kCases[] = {
    {"simple", "a1 NOOP\r\n", {"C[a1|NOOP|]"}},
    {"lowercase_name", "a1 noop\r\n", {"C[a1|NOOP|]"}},
    {"bare_lf", "a1 NOOP\n", {"C[a1|NOOP|]"}},
    {"args", "a2 LOGIN joe secret\r\n", {"C[a2|LOGIN|joe secret]"}},
    {"two_commands", "a1 NOOP\r\na2 CAPABILITY\r\n", {"C[a1|NOOP|]", "C[a2|CAPABILITY|]"}},
    {"empty_lines_ignored", "\r\n\r\na1 NOOP\r\n", {"C[a1|NOOP|]"}},
    {"sync_literal",
     "a3 LOGIN {3}\r\njoe {6}\r\nsecret\r\n",
     {"+3", "+6", "C[a3|LOGIN|{3}\r\njoe {6}\r\nsecret]"}},
    {"nonsync_literal", "a4 LOGIN {3+}\r\njoe pw\r\n", {"C[a4|LOGIN|{3+}\r\njoe pw]"}},
    {"literal8", "a5 APPEND INBOX ~{4}\r\na\0b\n\r\n"s,
     {"+4", "C[a5|APPEND|INBOX ~{4}\r\na\0b\n]"s}},
    {"literal8_nonsync", "a5 APPEND INBOX ~{2+}\r\nxy\r\n", {"C[a5|APPEND|INBOX ~{2+}\r\nxy]"}},
    {"literal_containing_crlf_and_braces",
     "a6 APPEND x {9}\r\n{2}\r\nab\r\n\r\na7 NOOP\r\n",
     {"+9", "C[a6|APPEND|x {9}\r\n{2}\r\nab\r\n]", "C[a7|NOOP|]"}},
    {"zero_literal", "a8 LOGIN {0}\r\n pw\r\n", {"+0", "C[a8|LOGIN|{0}\r\n pw]"}},
    {"missing_tag", " NOOP\r\na1 NOOP\r\n", {"E[|Missing tag]", "C[a1|NOOP|]"}},
    {"bad_tag", "a+1 NOOP\r\n", {"E[|Invalid characters in tag]"}},
    {"missing_name", "a1\r\n", {"E[a1|Missing command name]"}},
    {"missing_name_sp", "a1 \r\n", {"E[a1|Missing command name]"}},
    {"bad_after_name", "a1 NOOP(\r\na2 NOOP\r\n", {"E[a1|Expected SP after command name]", "C[a2|NOOP|]"}},
    {"nul_in_line", "a1 NO\0OP\r\na2 NOOP\r\n"s, {"E[a1|NUL octet in command line]", "C[a2|NOOP|]"}},
    {"line_too_long",
     "a1 LOGIN " + std::string(100, 'x') + "\r\na2 NOOP\r\n",
     {"E[a1|Command line too long]", "C[a2|NOOP|]"},
     small()},
    {"line_too_long_with_nonsync_literal_skipped",
     "a1 LOGIN " + std::string(60, 'x') + " {5+}\r\nhello\r\na2 NOOP\r\n",
     {"E[a1|Command line too long]", "C[a2|NOOP|]"},
     small()},
    {"sync_literal_too_big_no_continuation",
     "a1 APPEND INBOX {11}\r\na2 NOOP\r\n",
     {"E[a1|Literal too big]", "C[a2|NOOP|]"},
     small()},
    {"nonsync_literal_too_big_skipped",
     "a1 APPEND INBOX {15+}\r\n0123456789abcde more {2+}\r\nxy\r\na2 NOOP\r\n",
     {"E[a1|[TOOBIG] Literal too big]", "C[a2|NOOP|]"},
     small()},
    {"nonsync_literal_too_big_to_skip_is_fatal",
     "a1 APPEND INBOX {50+}\r\n" + std::string(50, 'x') + "\r\na2 NOOP\r\n",
     {"FATAL[a1|[TOOBIG] Non-synchronizing literal too big, closing connection]"},
     small()},
    {"literal_size_overflow_sync",
     "a1 APPEND INBOX {99999999999999999999999}\r\na2 NOOP\r\n",
     {"E[a1|Literal too big]", "C[a2|NOOP|]"}},
    {"error_on_first_line_skips_nonsync_literal",
     "+bad {3+}\r\nabc\r\na2 NOOP\r\n",
     {"E[|Invalid characters in tag]", "C[a2|NOOP|]"}},
};

INSTANTIATE_TEST_SUITE_P(Receiver, ReceiverTable, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Receiver, LiteralMinusLimitAppliesOnlyToNonSync) {
  Limits l;
  l.max_nonsync_literal = 4096;  // LITERAL- (RFC 7888 §5)
  auto ev = run("a1 APPEND INBOX {5000}\r\n" + std::string(5000, 'x') + "\r\n", 0, l);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0], "+5000");
  auto ev2 = run("a1 APPEND INBOX {5000+}\r\n" + std::string(5000, 'x') + "\r\na2 NOOP\r\n", 0, l);
  EXPECT_EQ(ev2, (std::vector<std::string>{"E[a1|[TOOBIG] Literal too big]", "C[a2|NOOP|]"}));
}

TEST(Receiver, MaxCommandBoundsManyLiterals) {
  Limits l;
  l.max_literal = 10;
  l.max_command = 40;
  std::string in = "a1 X";
  for (int i = 0; i < 10; ++i) in += " {10}\r\n0123456789";
  in += "\r\n";
  auto ev = run(in, 0, l);
  ASSERT_FALSE(ev.empty());
  EXPECT_NE(std::find(ev.begin(), ev.end(), "E[a1|Literal too big]"), ev.end());
}

TEST(Receiver, NextLineForIdleAndAuthenticate) {
  Receiver r;
  r.feed("a1 IDLE\r\nDONE\r\na2 NOOP\r\n");
  auto ev = r.next();
  ASSERT_TRUE(std::holds_alternative<RawCommand>(ev));
  ev = r.next_line();
  ASSERT_TRUE(std::holds_alternative<Line>(ev));
  EXPECT_EQ(std::get<Line>(ev).text, "DONE");
  ev = r.next();
  ASSERT_TRUE(std::holds_alternative<RawCommand>(ev));
  EXPECT_EQ(std::get<RawCommand>(ev).tag, "a2");
  EXPECT_TRUE(std::holds_alternative<NeedMore>(r.next()));
}

TEST(Receiver, NextLineTooLong) {
  Limits l;
  l.max_line = 10;
  Receiver r(l);
  r.feed(std::string(30, 'A') + "\r\nAAAA\r\n");
  auto ev = r.next_line();
  ASSERT_TRUE(std::holds_alternative<ReceiveError>(ev));
  ev = r.next_line();
  ASSERT_TRUE(std::holds_alternative<Line>(ev));
  EXPECT_EQ(std::get<Line>(ev).text, "AAAA");
}

TEST(Receiver, DiscardBufferedAfterStartTls) {
  Receiver r;
  r.feed("a1 STARTTLS\r\na2 LOGIN injected x\r\n");
  auto ev = r.next();
  ASSERT_TRUE(std::holds_alternative<RawCommand>(ev));
  EXPECT_EQ(r.discard_buffered(), 21u);
  EXPECT_TRUE(std::holds_alternative<NeedMore>(r.next()));
}

TEST(Receiver, ClosedAfterFatal) {
  Limits l = small();
  Receiver r(l);
  r.feed("a1 APPEND x {1000+}\r\n");
  auto ev = r.next();
  ASSERT_TRUE(std::holds_alternative<ReceiveError>(ev));
  EXPECT_TRUE(std::get<ReceiveError>(ev).fatal);
  EXPECT_TRUE(r.closed());
  r.feed("a2 NOOP\r\n");
  ev = r.next();
  ASSERT_TRUE(std::holds_alternative<ReceiveError>(ev));
  EXPECT_TRUE(std::get<ReceiveError>(ev).fatal);
}

TEST(Receiver, LargeLiteralStreamedInChunks) {
  const std::string body(200000, 'm');
  auto ev = run("t APPEND INBOX {200000}\r\n" + body + "\r\n", 4093);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0], "+200000");
  EXPECT_EQ(ev[1], "C[t|APPEND|INBOX {200000}\r\n" + body + "]");
}

}  // namespace
}  // namespace postamt::imap::protocol
