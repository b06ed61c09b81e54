// Sieve lexer and parser: RFC 5228 §2.2 comments, §2.4 literals, §8 grammar, error positions, limits.
#include "sieve/lexer.hpp"
#include "sieve/parser.hpp"
#include "sieve_test_util.hpp"

namespace postamt::sieve {
namespace {

using detail::Token;
using test::errors_of;
using test::must_compile;

TEST(SieveLexer, TokensCommentsAndNumbers) {
  auto r = detail::lex("# hash\r\nif /* bracket\n comment */ size :over 100K { discard; }", 1000);
  ASSERT_TRUE(r.errors.empty());
  ASSERT_EQ(r.tokens.size(), 9u);
  EXPECT_EQ(r.tokens[0].kind, Token::Kind::Identifier);
  EXPECT_EQ(r.tokens[0].line, 2);
  EXPECT_EQ(r.tokens[1].text, "size");
  EXPECT_EQ(r.tokens[1].line, 3);
  EXPECT_EQ(r.tokens[2].kind, Token::Kind::Tag);
  EXPECT_EQ(r.tokens[2].text, "over");
  EXPECT_EQ(r.tokens[3].number, 100u * 1024);
  auto g = detail::lex("1G 2M 3k", 10);
  EXPECT_EQ(g.tokens[0].number, 1ull << 30);
  EXPECT_EQ(g.tokens[1].number, 2ull << 20);
  EXPECT_EQ(g.tokens[2].number, 3ull << 10);
}

TEST(SieveLexer, QuotedStringEscapes) {
  auto r = detail::lex(R"("a\"b\\c\d")", 100);
  ASSERT_TRUE(r.errors.empty());
  EXPECT_EQ(r.tokens[0].text, "a\"b\\cd");  // §2.4.2: undefined escapes drop the backslash
}

TEST(SieveLexer, MultiLineWithDotStuffing) {
  auto r = detail::lex("text: # comment\r\nline one\r\n..dot\r\n.\r\n;", 100);
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].message;
  EXPECT_EQ(r.tokens[0].kind, Token::Kind::String);
  EXPECT_EQ(r.tokens[0].text, "line one\r\n.dot\r\n");
  EXPECT_EQ(r.tokens[1].kind, Token::Kind::Semicolon);
  auto lf = detail::lex("text:\nbare lf\n.\n", 100);
  ASSERT_TRUE(lf.errors.empty());
  EXPECT_EQ(lf.tokens[0].text, "bare lf\r\n");
}

TEST(SieveLexer, ErrorsCarryPositions) {
  auto r = detail::lex("keep;\n  \"unterminated", 100);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_EQ(r.errors[0].column, 3);
  auto c = detail::lex("keep; /* never closed", 100);
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].column, 7);
  EXPECT_FALSE(detail::lex("text: junk\nx\n.\n", 100).errors.empty());
  EXPECT_FALSE(detail::lex("text:\nnever ends\n", 100).errors.empty());
  EXPECT_FALSE(detail::lex("99999999999999999999", 100).errors.empty());
  EXPECT_FALSE(detail::lex("17179869184G", 100).errors.empty());
  EXPECT_FALSE(detail::lex("\"0123456789abc\"", 10).errors.empty());
  EXPECT_FALSE(detail::lex("keep @", 10).errors.empty());
}

TEST(SieveParser, GrammarErrors) {
  auto e = errors_of("keep;\nstop }");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].line, 2);
  EXPECT_EQ(e[0].column, 6);
  EXPECT_NE(e[0].message.find("';' or '{'"), std::string::npos) << e[0].message;
  EXPECT_FALSE(errors_of("if true { keep;").empty());
  EXPECT_FALSE(errors_of("if anyof (true, ) { keep; }").empty());
  EXPECT_FALSE(errors_of("if header [\"a\" \"b\"] { keep; }").empty());
  EXPECT_FALSE(errors_of("}").empty());
}

TEST(SieveParser, NestingAndSizeLimits) {
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "if true {";
  deep += "keep;";
  for (int i = 0; i < 40; ++i) deep += "}";
  auto e = errors_of(deep);
  ASSERT_FALSE(e.empty());
  EXPECT_NE(e[0].message.find("nesting"), std::string::npos);
  CompileOptions small;
  small.max_script_size = 10;
  EXPECT_FALSE(errors_of("keep; keep; keep;", small).empty());
  std::string nots = "if ";
  for (int i = 0; i < 100000; ++i) nots += "not ";
  nots += "true { keep; }";
  EXPECT_FALSE(errors_of(nots).empty());  // deep test nesting is bounded, no stack overflow
}

TEST(SieveParser, AcceptsEmptyScriptAndComments) {
  EXPECT_NE(must_compile(""), nullptr);
  EXPECT_NE(must_compile("# only a comment\n/* and another */\n"), nullptr);
}

}  // namespace
}  // namespace postamt::sieve
