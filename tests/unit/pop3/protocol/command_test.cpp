// Tests for the POP3 command parser (RFC 1939, RFC 2449 §4-§5, RFC 2595 §4, RFC 5034 §4).
#include "pop3/protocol/command.hpp"

#include <gtest/gtest.h>

namespace postamt::pop3::protocol {
namespace {

Command ok(std::string_view line) {
  ParseResult r = parse_command(line);
  if (auto* e = std::get_if<Error>(&r)) {
    ADD_FAILURE() << line << ": " << e->text;
    return {};
  }
  return std::get<Command>(r);
}

Error fail(std::string_view line) {
  ParseResult r = parse_command(line);
  if (auto* e = std::get_if<Error>(&r)) return *e;
  ADD_FAILURE() << line << " parsed but should not";
  return Error{ErrorKind::Syntax, ""};
}

TEST(Pop3Command, NoArgumentVerbs) {
  struct Row {
    const char* line;
    Verb verb;
  };
  const Row rows[] = {{"QUIT", Verb::Quit}, {"stat", Verb::Stat}, {"Noop", Verb::Noop}, {"RSET", Verb::Rset},
                      {"CAPA", Verb::Capa}, {"stls", Verb::Stls}, {"QUIT ", Verb::Quit}, {"STAT\r\n", Verb::Stat}};
  for (const auto& r : rows) EXPECT_EQ(ok(r.line).verb, r.verb) << r.line;
  for (const char* bad : {"QUIT now", "STAT 1", "STLS x", "CAPA all"}) EXPECT_EQ(fail(bad).kind, ErrorKind::Syntax) << bad;
  EXPECT_EQ(verb_name(Verb::Uidl), "UIDL");
}

TEST(Pop3Command, MessageNumbers) {
  EXPECT_EQ(ok("RETR 1").msg, 1u);
  EXPECT_EQ(ok("dele 42").msg, 42u);
  EXPECT_EQ(ok("RETR 2147483647").msg, 2147483647u);
  EXPECT_EQ(ok("RETR 007").msg, 7u);
  EXPECT_FALSE(ok("LIST").msg);
  EXPECT_EQ(ok("LIST 3").msg, 3u);
  EXPECT_FALSE(ok("UIDL").msg);
  EXPECT_EQ(ok("uidl 9").msg, 9u);
  for (const char* bad : {"RETR 0", "RETR -1", "RETR +1", "RETR 2147483648", "RETR 99999999999", "RETR x",
                          "LIST 0", "UIDL 1x", "DELE 1.5"})
    EXPECT_EQ(fail(bad).kind, ErrorKind::BadNumber) << bad;
  for (const char* bad : {"RETR", "DELE", "RETR 1 2", "LIST 1 2"}) EXPECT_EQ(fail(bad).kind, ErrorKind::Syntax) << bad;
}

TEST(Pop3Command, Top) {
  Command c = ok("TOP 3 10");
  EXPECT_EQ(c.verb, Verb::Top);
  EXPECT_EQ(c.msg, 3u);
  EXPECT_EQ(c.lines, 10u);
  EXPECT_EQ(ok("top 1 0").lines, 0u);
  EXPECT_EQ(fail("TOP 1").kind, ErrorKind::Syntax);
  EXPECT_EQ(fail("TOP 1 2 3").kind, ErrorKind::Syntax);
  EXPECT_EQ(fail("TOP 0 1").kind, ErrorKind::BadNumber);
  EXPECT_EQ(fail("TOP 1 -1").kind, ErrorKind::BadNumber);
}

TEST(Pop3Command, UserPass) {
  EXPECT_EQ(ok("USER alice@example.org").name, "alice@example.org");
  EXPECT_EQ(ok("PASS  with spaces  ").secret, " with spaces  ");
  EXPECT_EQ(ok("pass s3cret").secret, "s3cret");
  EXPECT_EQ(fail("USER").kind, ErrorKind::Syntax);
  EXPECT_EQ(fail("PASS").kind, ErrorKind::Syntax);
  EXPECT_EQ(fail("PASS ").kind, ErrorKind::Syntax);
}

TEST(Pop3Command, Apop) {
  Command c = ok("APOP mrose c4c9334bac560ecc979e58001b3e22fb");
  EXPECT_EQ(c.verb, Verb::Apop);
  EXPECT_EQ(c.name, "mrose");
  EXPECT_EQ(c.digest, "c4c9334bac560ecc979e58001b3e22fb");
  EXPECT_EQ(ok("APOP mrose C4C9334BAC560ECC979E58001B3E22FB").digest, "c4c9334bac560ecc979e58001b3e22fb");
  for (const char* bad : {"APOP", "APOP mrose", "APOP c4c9334bac560ecc979e58001b3e22fb",
                          "APOP mrose c4c9334bac560ecc979e58001b3e22f", "APOP mrose c4c9334bac560ecc979e58001b3e22fbb",
                          "APOP mrose g4c9334bac560ecc979e58001b3e22fb"})
    EXPECT_EQ(fail(bad).kind, ErrorKind::Syntax) << bad;
}

TEST(Pop3Command, Auth) {
  Command c = ok("AUTH plain AGFsaWNlAHNlY3JldA==");
  EXPECT_EQ(c.mechanism, "PLAIN");
  EXPECT_EQ(c.initial_response, "AGFsaWNlAHNlY3JldA==");
  EXPECT_EQ(ok("AUTH EXTERNAL =").initial_response, "");
  EXPECT_FALSE(ok("AUTH SCRAM-SHA-256").initial_response);
  Command list = ok("AUTH");
  EXPECT_TRUE(list.mechanism.empty());
  for (const char* bad : {"AUTH PL@IN", "AUTH PLAIN !!!!", "AUTH PLAIN a b", "AUTH ABCDEFGHIJKLMNOPQRSTU"})
    EXPECT_EQ(fail(bad).kind, ErrorKind::Syntax) << bad;
}

TEST(Pop3Command, LimitsAndGarbage) {
  std::string pass = "PASS " + std::string(248, 'p');  // 253 + CRLF = 255
  EXPECT_EQ(ok(pass).secret.size(), 248u);
  EXPECT_EQ(fail(pass + "p").kind, ErrorKind::LineTooLong);
  EXPECT_EQ(fail("").kind, ErrorKind::UnknownCommand);
  EXPECT_EQ(fail("XTND XMIT").kind, ErrorKind::UnknownCommand);
  EXPECT_EQ(fail("RETRIEVE 1").kind, ErrorKind::UnknownCommand);
  EXPECT_EQ(fail(" RETR 1").kind, ErrorKind::UnknownCommand);
  EXPECT_EQ(fail("PASS a\rb").kind, ErrorKind::BadLineEnding);
  EXPECT_EQ(fail(std::string("USER a\0b", 8)).kind, ErrorKind::BadLineEnding);
  EXPECT_EQ(to_response(Error{ErrorKind::Syntax, "Nope"}), "-ERR Nope\r\n");
}

}  // namespace
}  // namespace postamt::pop3::protocol
