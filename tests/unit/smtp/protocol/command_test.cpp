// Tests for the SMTP/LMTP command parser (RFC 5321 §4.1, RFC 1870, 2033, 3030, 3207, 3461, 4954, 6152, 6531).
#include "smtp/protocol/command.hpp"

#include <gtest/gtest.h>

namespace postamt::smtp::protocol {
namespace {

Command ok(std::string_view line, ParseOptions opts = {}) {
  ParseResult r = parse_command(line, opts);
  if (auto* e = std::get_if<Error>(&r)) {
    ADD_FAILURE() << line << ": " << e->reply.code << " " << e->reply.text;
    return {};
  }
  return std::get<Command>(r);
}

Error fail(std::string_view line, ParseOptions opts = {}) {
  ParseResult r = parse_command(line, opts);
  if (auto* e = std::get_if<Error>(&r)) return *e;
  ADD_FAILURE() << line << " parsed but should not";
  return Error{ErrorKind::Syntax, {}};
}

TEST(Command, VerbsAreCaseInsensitive) {
  struct Row {
    const char* line;
    Verb verb;
  };
  const Row rows[] = {
      {"ehlo client.example", Verb::Ehlo}, {"HeLo client.example", Verb::Helo}, {"LHLO client", Verb::Lhlo},
      {"data", Verb::Data},                {"RSET", Verb::Rset},                {"noop", Verb::Noop},
      {"NOOP anything", Verb::Noop},       {"QUIT", Verb::Quit},                {"VRFY alice", Verb::Vrfy},
      {"HELP", Verb::Help},                {"help MAIL", Verb::Help},           {"StartTLS", Verb::Starttls},
      {"DATA  ", Verb::Data},              {"QUIT\r\n", Verb::Quit},
  };
  for (const auto& r : rows) EXPECT_EQ(ok(r.line).verb, r.verb) << r.line;
  EXPECT_EQ(verb_name(Verb::Starttls), "STARTTLS");
}

TEST(Command, Errors) {
  struct Row {
    const char* line;
    ErrorKind kind;
    int code;
  };
  const Row rows[] = {
      {"", ErrorKind::UnknownCommand, 500},
      {"XYZZY", ErrorKind::UnknownCommand, 500},
      {"MAILFROM:<a@b>", ErrorKind::UnknownCommand, 500},
      {"EHLO", ErrorKind::Syntax, 501},
      {"VRFY", ErrorKind::Syntax, 501},
      {"DATA now", ErrorKind::Syntax, 501},
      {"STARTTLS x", ErrorKind::Syntax, 501},
      {"QUIT please", ErrorKind::Syntax, 501},
      {"NOOP\rx", ErrorKind::BadLineEnding, 500},
      {"NOOP a\nb", ErrorKind::BadLineEnding, 500},
      {"MAIL TO:<a@b>", ErrorKind::Syntax, 501},
      {"MAIL FROM:a@b.org", ErrorKind::BadSenderAddress, 501},
      {"RCPT TO:<>", ErrorKind::BadRecipientAddress, 501},
      {"MAIL FROM:<a@b.org>x", ErrorKind::Syntax, 501},
  };
  for (const auto& r : rows) {
    Error e = fail(r.line);
    EXPECT_EQ(e.kind, r.kind) << r.line;
    EXPECT_EQ(e.reply.code, r.code) << r.line;
  }
}

TEST(Command, LineLength) {
  std::string noop = "NOOP " + std::string(505, 'x');  // 510 + CRLF = 512
  ok(noop);
  EXPECT_EQ(fail(noop + "x").kind, ErrorKind::LineTooLong);
  // MAIL may be longer (parameters), but not unbounded.
  std::string mail = "MAIL FROM:<a@b.org> ENVID=" + std::string(100, 'e') + " AUTH=" + std::string(450, 'a');
  EXPECT_GT(mail.size(), 512u);
  ok(mail);
  EXPECT_EQ(fail("MAIL FROM:<a@b.org> X=" + std::string(3000, 'a')).kind, ErrorKind::LineTooLong);
}

TEST(Command, Helo) {
  Command c = ok("EHLO mail.example.org");
  EXPECT_EQ(c.argument, "mail.example.org");
  EXPECT_TRUE(c.argument_is_domain);
  EXPECT_TRUE(ok("EHLO [192.0.2.1]").argument_is_domain);
  EXPECT_EQ(ok("EHLO   spaced.example").argument, "spaced.example");
  EXPECT_EQ(ok("VRFY  alice").argument, "alice");
  Command bad = ok("HELO not_a domain");
  EXPECT_EQ(bad.argument, "not_a domain");
  EXPECT_FALSE(bad.argument_is_domain);
}

TEST(Command, MailWithParameters) {
  Command c = ok("MAIL FROM:<alice@example.org> SIZE=12345 BODY=8BITMIME RET=HDRS ENVID=QQ314159+2Bx AUTH=alice+2Bx@example.org");
  EXPECT_EQ(c.verb, Verb::Mail);
  EXPECT_EQ(c.path.str(), "alice@example.org");
  EXPECT_EQ(c.mail.size, 12345u);
  EXPECT_EQ(c.mail.body, Body::EightBitMime);
  EXPECT_EQ(c.mail.ret, Ret::Hdrs);
  EXPECT_EQ(c.mail.envid, "QQ314159+x");
  EXPECT_EQ(c.mail.auth, "alice+x@example.org");
  EXPECT_FALSE(c.mail.smtputf8);

  Command d = ok("mail from: <> body=binarymime smtputf8 ret=full auth=<>");
  EXPECT_TRUE(d.path.null);
  EXPECT_EQ(d.mail.body, Body::BinaryMime);
  EXPECT_TRUE(d.mail.smtputf8);
  EXPECT_EQ(d.mail.ret, Ret::Full);
  EXPECT_EQ(d.mail.auth, "");
  EXPECT_EQ(ok("MAIL FROM:<> BODY=7BIT").mail.body, Body::SevenBit);
  EXPECT_EQ(ok("MAIL FROM:<>  SIZE=0").mail.size, 0u);
  EXPECT_FALSE(ok("MAIL FROM:<>").mail.size);
}

TEST(Command, MailParameterErrors) {
  struct Row {
    const char* line;
    ErrorKind kind;
    int code;
  };
  const Row rows[] = {
      {"MAIL FROM:<> FOO=bar", ErrorKind::UnknownParameter, 555},
      {"MAIL FROM:<> XFORWARD", ErrorKind::UnknownParameter, 555},
      {"MAIL FROM:<> SIZE=abc", ErrorKind::BadParameter, 501},
      {"MAIL FROM:<> SIZE=", ErrorKind::BadParameter, 501},
      {"MAIL FROM:<> SIZE", ErrorKind::BadParameter, 501},
      {"MAIL FROM:<> SIZE=-1", ErrorKind::BadParameter, 501},
      {"MAIL FROM:<> SIZE=99999999999999999999", ErrorKind::BadParameter, 501},  // > 2^64
      {"MAIL FROM:<> SIZE=1 SIZE=2", ErrorKind::BadParameter, 501},
      {"MAIL FROM:<> BODY=9BIT", ErrorKind::BadParameter, 501},
      {"MAIL FROM:<> RET=ALL", ErrorKind::BadParameter, 501},
      {"MAIL FROM:<> SMTPUTF8=yes", ErrorKind::BadParameter, 501},
      {"MAIL FROM:<> ENVID=a+2b", ErrorKind::BadParameter, 501},
      {"MAIL FROM:<> ENVID=+0A", ErrorKind::BadParameter, 501},
      {"MAIL FROM:<> AUTH=+", ErrorKind::BadParameter, 501},
      {"MAIL FROM:<> -X=1", ErrorKind::BadParameter, 501},
      {"MAIL FROM:<> A=b=c", ErrorKind::BadParameter, 501},
      {"MAIL FROM:<> A B C D E F G H I J K L M N O P Q", ErrorKind::TooManyParameters, 501},
  };
  for (const auto& r : rows) {
    Error e = fail(r.line);
    EXPECT_EQ(e.kind, r.kind) << r.line;
    EXPECT_EQ(e.reply.code, r.code) << r.line;
  }
  EXPECT_EQ(fail("MAIL FROM:<> ENVID=" + std::string(101, 'x')).kind, ErrorKind::BadParameter);
  ok("MAIL FROM:<> ENVID=" + std::string(100, 'x'));
}

TEST(Command, Utf8NeedsSmtputf8) {
  const std::string from = "MAIL FROM:<j\xc3\xb6rg@example.org>";
  Error e = fail(from);
  EXPECT_EQ(e.kind, ErrorKind::NonAsciiAddress);
  EXPECT_EQ(e.reply.enhanced, "5.6.7");
  EXPECT_TRUE(ok(from + " SMTPUTF8").path.mailbox.utf8);
  const std::string rcpt = "RCPT TO:<m\xc3\xbcller@b\xc3\xbc" "cher.example>";
  EXPECT_EQ(fail(rcpt).kind, ErrorKind::NonAsciiAddress);
  EXPECT_EQ(ok(rcpt, ParseOptions{.smtputf8 = true}).path.mailbox.local_part, "m\xc3\xbcller");
}

TEST(Command, RcptWithParameters) {
  Command c = ok("RCPT TO:<bob@example.org> NOTIFY=SUCCESS,FAILURE,DELAY ORCPT=rfc822;Bob+2BX@Example.COM");
  EXPECT_EQ(c.verb, Verb::Rcpt);
  EXPECT_EQ(c.path.str(), "bob@example.org");
  ASSERT_TRUE(c.rcpt.notify);
  EXPECT_TRUE(c.rcpt.notify->success && c.rcpt.notify->failure && c.rcpt.notify->delay);
  EXPECT_FALSE(c.rcpt.notify->never);
  ASSERT_TRUE(c.rcpt.orcpt);
  EXPECT_EQ(c.rcpt.orcpt->addr_type, "rfc822");
  EXPECT_EQ(c.rcpt.orcpt->address, "Bob+X@Example.COM");
  EXPECT_TRUE(ok("rcpt to:<bob@example.org> notify=never").rcpt.notify->never);
  EXPECT_TRUE(ok("RCPT TO:<Postmaster>").path.postmaster);
  EXPECT_TRUE(ok("RCPT TO:<@relay.example:bob@example.org>").path.source_route);

  for (const char* bad : {"RCPT TO:<b@x.org> NOTIFY=NEVER,SUCCESS", "RCPT TO:<b@x.org> NOTIFY=",
                          "RCPT TO:<b@x.org> NOTIFY=SUCCESS,SUCCESS", "RCPT TO:<b@x.org> NOTIFY=SUCCESS,",
                          "RCPT TO:<b@x.org> NOTIFY=ALWAYS", "RCPT TO:<b@x.org> ORCPT=bob@x.org",
                          "RCPT TO:<b@x.org> ORCPT=;bob@x.org", "RCPT TO:<b@x.org> ORCPT=rfc822;",
                          "RCPT TO:<b@x.org> ORCPT=rfc822;a+zz"})
    EXPECT_EQ(fail(bad).kind, ErrorKind::BadParameter) << bad;
  EXPECT_EQ(fail("RCPT TO:<b@x.org> SIZE=10").kind, ErrorKind::UnknownParameter);
  EXPECT_EQ(fail("RCPT TO:<b@x.org> ORCPT=rfc822;" + std::string(500, 'a')).kind, ErrorKind::BadParameter);
}

TEST(Command, RelayBatteryThroughRcpt) {
  EXPECT_TRUE(has_percent_hack(ok("RCPT TO:<user%other.test@our.domain>").path.mailbox));
  EXPECT_TRUE(ok("RCPT TO:<@a:b@c>").path.source_route);
  EXPECT_TRUE(has_at_in_local_part(ok("RCPT TO:<\"user@other\"@our.domain>").path.mailbox));
  EXPECT_TRUE(ok("RCPT TO:<user@[127.0.0.1]>").path.mailbox.address_literal);
  EXPECT_TRUE(has_bang_path(ok("RCPT TO:<a!b@our.domain>").path.mailbox));
}

TEST(Command, Bdat) {
  Command c = ok("BDAT 1000");
  EXPECT_EQ(c.verb, Verb::Bdat);
  EXPECT_EQ(c.chunk_size, 1000u);
  EXPECT_FALSE(c.last);
  Command l = ok("bdat 0 last");
  EXPECT_EQ(l.chunk_size, 0u);
  EXPECT_TRUE(l.last);
  EXPECT_EQ(ok("BDAT 9999999999999999999").chunk_size, 9999999999999999999u);
  for (const char* bad : {"BDAT", "BDAT x", "BDAT -1", "BDAT 10 FIRST", "BDAT 10 LAST x", "BDAT 99999999999999999999"})
    EXPECT_EQ(fail(bad).kind, ErrorKind::Syntax) << bad;
}

TEST(Command, Auth) {
  Command c = ok("AUTH plain AGFsaWNlAHNlY3JldA==");
  EXPECT_EQ(c.mechanism, "PLAIN");
  EXPECT_EQ(c.initial_response, "AGFsaWNlAHNlY3JldA==");
  Command e = ok("AUTH EXTERNAL =");
  EXPECT_EQ(e.initial_response, "");
  Command n = ok("AUTH SCRAM-SHA-256");
  EXPECT_EQ(n.mechanism, "SCRAM-SHA-256");
  EXPECT_FALSE(n.initial_response);
  for (const char* bad : {"AUTH", "AUTH PL@IN", "AUTH ABCDEFGHIJKLMNOPQRSTU", "AUTH PLAIN abc", "AUTH PLAIN a=bc",
                          "AUTH PLAIN x y", "AUTH PLAIN ===="})
    EXPECT_EQ(fail(bad).kind, ErrorKind::Syntax) << bad;
}

}  // namespace
}  // namespace postamt::smtp::protocol
