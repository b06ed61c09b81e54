// ManageSieve command parsing (RFC 5804 §1.2, §4): atoms, numbers, quoted strings, literals {n+} and
// {n} with their continuation lines, SASL responses, and every limit and malformed input refused.
#include <gtest/gtest.h>

#include <random>

#include "managesieve/command_parser.hpp"

namespace postamt::managesieve {
namespace {

using Mode = CommandParser::Mode;

Command command(CommandParser::Result r) {
  if (auto* e = std::get_if<ParseError>(&r)) ADD_FAILURE() << "parse error: " << e->message;
  EXPECT_TRUE(std::holds_alternative<Command>(r));
  return std::holds_alternative<Command>(r) ? std::get<Command>(r) : Command{};
}

ParseError error(CommandParser::Result r) {
  EXPECT_TRUE(std::holds_alternative<ParseError>(r));
  return std::holds_alternative<ParseError>(r) ? std::get<ParseError>(r) : ParseError{};
}

Command parse(std::string_view line) {
  CommandParser p;
  p.begin(Mode::Command);
  return command(p.feed_line(line));
}

// Feeds a whole client command (lines and literals as a client would send them) to the parser the
// way the session does: line by line, reading each announced literal's octets.
CommandParser::Result feed_all(CommandParser& p, std::string_view wire) {
  for (;;) {
    auto eol = wire.find("\r\n");
    if (eol == std::string_view::npos) return ParseError{"test: no CRLF"};
    auto r = p.feed_line(wire.substr(0, eol));
    wire.remove_prefix(eol + 2);
    auto* need = std::get_if<NeedLiteral>(&r);
    if (!need) return r;
    if (need->size > wire.size()) return ParseError{"test: short literal"};
    p.feed_literal(need->discard ? std::string() : std::string(wire.substr(0, need->size)));
    wire.remove_prefix(need->size);
  }
}

TEST(CommandParser, NameIsCaseInsensitiveAtom) {
  auto c = parse("capability");
  EXPECT_EQ(c.name, "CAPABILITY");
  EXPECT_TRUE(c.args.empty());
  EXPECT_EQ(parse("Logout").name, "LOGOUT");
  EXPECT_EQ(parse("NOOP  ").name, "NOOP");  // trailing space tolerated
}

TEST(CommandParser, QuotedStringsAndNumbers) {
  auto c = parse(R"(HAVESPACE "my script" 435)");
  ASSERT_EQ(c.args.size(), 2u);
  EXPECT_EQ(c.args[0].kind, Argument::Kind::String);
  EXPECT_EQ(c.args[0].text, "my script");
  EXPECT_FALSE(c.args[0].literal);
  EXPECT_EQ(c.args[1].kind, Argument::Kind::Number);
  EXPECT_EQ(c.args[1].number, 435u);
  EXPECT_EQ(parse(R"(NOOP "a\"b\\c")").args[0].text, "a\"b\\c");
  EXPECT_EQ(parse(R"(SETACTIVE "")").args[0].text, "");
  EXPECT_EQ(parse("HAVESPACE \"x\" 4294967295").args[1].number, 4294967295u);
  EXPECT_EQ(parse("HAVESPACE \"x\" 0").args[1].number, 0u);
  EXPECT_EQ(parse("X \"gr\xc3\xbc\xc3\x9f\"").args[0].text, "gr\xc3\xbc\xc3\x9f");  // UTF-8 passes
}

TEST(CommandParser, AtomArguments) {
  auto c = parse("AUTHENTICATE PLAIN");
  ASSERT_EQ(c.args.size(), 1u);
  EXPECT_EQ(c.args[0].kind, Argument::Kind::Atom);
  EXPECT_EQ(c.args[0].text, "PLAIN");
}

TEST(CommandParser, NonSynchronizingLiteral) {
  CommandParser p;
  p.begin(Mode::Command);
  auto r = p.feed_line(R"(PUTSCRIPT "foo" {31+})");
  ASSERT_TRUE(std::holds_alternative<NeedLiteral>(r));
  EXPECT_EQ(std::get<NeedLiteral>(r).size, 31u);
  EXPECT_FALSE(std::get<NeedLiteral>(r).synchronizing);
  EXPECT_FALSE(std::get<NeedLiteral>(r).discard);
  p.feed_literal("#comment\r\nInvalidSieveCommand\r\n");
  auto c = command(p.feed_line(""));
  EXPECT_EQ(c.name, "PUTSCRIPT");
  ASSERT_EQ(c.args.size(), 2u);
  EXPECT_EQ(c.args[1].text, "#comment\r\nInvalidSieveCommand\r\n");
  EXPECT_TRUE(c.args[1].literal);
}

TEST(CommandParser, SynchronizingLiteralAndArgumentsAfterALiteral) {
  CommandParser p;
  p.begin(Mode::Command);
  auto r = p.feed_line("RENAMESCRIPT {3}");
  ASSERT_TRUE(std::holds_alternative<NeedLiteral>(r));
  EXPECT_TRUE(std::get<NeedLiteral>(r).synchronizing);
  p.feed_literal("o\"d");
  auto c = command(p.feed_line(" \"new\""));
  ASSERT_EQ(c.args.size(), 2u);
  EXPECT_EQ(c.args[0].text, "o\"d");
  EXPECT_EQ(c.args[1].text, "new");
  // After a literal the next token needs its space.
  p.begin(Mode::Command);
  ASSERT_TRUE(std::holds_alternative<NeedLiteral>(p.feed_line("RENAMESCRIPT {1+}")));
  p.feed_literal("a");
  EXPECT_EQ(error(p.feed_line("\"b\"")).message, "Expected a space between arguments");
}

TEST(CommandParser, EmptyLiteral) {
  CommandParser p;
  p.begin(Mode::Response);
  auto r = p.feed_line("{0+}");
  ASSERT_TRUE(std::holds_alternative<NeedLiteral>(r));
  p.feed_literal("");
  auto c = command(p.feed_line(""));
  EXPECT_TRUE(c.name.empty());
  ASSERT_EQ(c.args.size(), 1u);
  EXPECT_EQ(c.args[0].text, "");
}

TEST(CommandParser, SaslResponsesAreStringsOnly) {
  CommandParser p;
  p.begin(Mode::Response);
  auto c = command(p.feed_line("\"dGVzdA==\""));
  ASSERT_EQ(c.args.size(), 1u);
  EXPECT_EQ(c.args[0].text, "dGVzdA==");
  p.begin(Mode::Response);
  EXPECT_EQ(error(p.feed_line("dGVzdA==")).message, "A SASL response must be a string");
  p.begin(Mode::Response);
  EXPECT_TRUE(command(p.feed_line("")).args.empty());  // the session refuses a missing string
}

TEST(CommandParser, MalformedInputIsRefused) {
  const char* bad[] = {
      "",                           // empty command
      " NOOP",                      // leading space
      "\"NOOP\"",                   // the name is an atom
      "PUTSCRIPT \"unterminated",   // quote not closed
      "NOOP \"bad \\n escape\"",    // only \" and \\ escape
      "NOOP (x)",                   // parentheses are specials
      "HAVESPACE \"x\" 007",        // leading zeros
      "HAVESPACE \"x\" 4294967296", // not 32-bit
      "PUTSCRIPT \"x\" {5+} trailing",
      "PUTSCRIPT \"x\" {-1+}",
      "PUTSCRIPT \"x\" {+}",
      "PUTSCRIPT \"x\" {12345678901+}",
      "NOOP\"x\"",                  // no space before the argument
  };
  for (const char* line : bad) {
    CommandParser p;
    p.begin(Mode::Command);
    auto r = p.feed_line(line);
    EXPECT_TRUE(std::holds_alternative<ParseError>(r)) << line;
    if (auto* e = std::get_if<ParseError>(&r)) {
      EXPECT_FALSE(e->fatal) << line;
    }
  }
  CommandParser p;
  p.begin(Mode::Command);
  EXPECT_TRUE(std::holds_alternative<ParseError>(p.feed_line(std::string("NOOP \"a\0b\"", 10))));
}

TEST(CommandParser, QuotedLimitIs1024Octets) {
  EXPECT_EQ(parse("NOOP \"" + std::string(1024, 'x') + "\"").args[0].text.size(), 1024u);
  CommandParser p;
  p.begin(Mode::Command);
  EXPECT_EQ(error(p.feed_line("NOOP \"" + std::string(1025, 'x') + "\"")).message,
            "Quoted string too long (use a literal)");
}

TEST(CommandParser, TooManyArguments) {
  CommandParser p(ParserLimits{.max_arguments = 2});
  p.begin(Mode::Command);
  EXPECT_EQ(error(p.feed_line("NOOP 1 2 3")).message, "Too many arguments");
  p.begin(Mode::Command);
  EXPECT_EQ(error(p.feed_line("NOOP 1 2 {3}")).message, "Too many arguments");
}

TEST(CommandParser, OversizeLiterals) {
  ParserLimits limits;
  limits.max_literal = 10;
  limits.max_discard = 100;
  CommandParser p(limits);
  // Synchronizing: refused at once (the client has not sent the octets).
  p.begin(Mode::Command);
  auto e = error(p.feed_line("PUTSCRIPT \"a\" {11}"));
  EXPECT_TRUE(e.too_large);
  EXPECT_FALSE(e.fatal);
  // Non-synchronizing within the discard bound: skipped, then the command fails.
  p.begin(Mode::Command);
  auto r = p.feed_line("PUTSCRIPT \"a\" {50+}");
  ASSERT_TRUE(std::holds_alternative<NeedLiteral>(r));
  EXPECT_TRUE(std::get<NeedLiteral>(r).discard);
  p.feed_literal({});
  e = error(p.feed_line(""));
  EXPECT_TRUE(e.too_large);
  EXPECT_FALSE(e.fatal);
  EXPECT_EQ(e.message, "Literal too large (50 octets, the limit is 10)");
  // Beyond the discard bound: the stream cannot be resynchronised.
  p.begin(Mode::Command);
  e = error(p.feed_line("PUTSCRIPT \"a\" {101+}"));
  EXPECT_TRUE(e.fatal);
  // The parser is usable again afterwards.
  p.begin(Mode::Command);
  EXPECT_EQ(command(p.feed_line("NOOP")).name, "NOOP");
  // A line while a literal is due is a protocol error.
  p.begin(Mode::Command);
  ASSERT_TRUE(std::holds_alternative<NeedLiteral>(p.feed_line("NOOP {2+}")));
  EXPECT_EQ(error(p.feed_line("NOOP")).message, "Literal data missing");
}

TEST(CommandParser, SeveralLiteralsInOneCommand) {
  CommandParser p;
  p.begin(Mode::Command);
  auto r = feed_all(p, "PUTSCRIPT {4+}\r\nname {9+}\r\nkeep;\r\n\r\n\r\n");
  auto c = command(r);
  ASSERT_EQ(c.args.size(), 2u);
  EXPECT_EQ(c.args[0].text, "name");
  EXPECT_EQ(c.args[1].text, "keep;\r\n\r\n");
}

// Random bytes never crash the parser and always end in a Command, a ParseError or a bounded literal.
TEST(CommandParser, RandomInputIsBounded) {
  std::mt19937 rng(5804);
  const std::string alphabet = "AZaz09 \"\\{}+()\x01\x7f\xc3";
  for (int round = 0; round < 20000; ++round) {
    std::string line;
    int len = static_cast<int>(rng() % 40);
    for (int i = 0; i < len; ++i) line += alphabet[rng() % alphabet.size()];
    CommandParser p(ParserLimits{.max_literal = 64, .max_discard = 128});
    p.begin(round % 2 ? Mode::Command : Mode::Response);
    auto r = p.feed_line(line);
    if (auto* need = std::get_if<NeedLiteral>(&r)) {
      EXPECT_LE(need->size, 128u) << line;
      p.feed_literal(std::string(need->discard ? 0 : need->size, 'x'));
      r = p.feed_line("");
      EXPECT_FALSE(std::holds_alternative<NeedLiteral>(r) && std::get<NeedLiteral>(r).size > 128) << line;
    }
  }
}

}  // namespace
}  // namespace postamt::managesieve
