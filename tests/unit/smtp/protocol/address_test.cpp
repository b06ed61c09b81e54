// Tests for envelope path parsing (RFC 5321 §4.1.2, §4.5.3.1; RFC 6531) and the relay-hack detectors.
#include "smtp/protocol/address.hpp"

#include <gtest/gtest.h>

namespace postamt::smtp::protocol {
namespace {

Path ok(std::string_view text, PathKind kind = PathKind::Forward, bool utf8 = false) {
  PathResult r = parse_path(text, kind, utf8);
  if (auto* e = std::get_if<Error>(&r)) {
    ADD_FAILURE() << text << ": " << e->reply.text;
    return {};
  }
  return std::get<Path>(r);
}

Error fail(std::string_view text, PathKind kind = PathKind::Forward, bool utf8 = false) {
  PathResult r = parse_path(text, kind, utf8);
  if (auto* e = std::get_if<Error>(&r)) return *e;
  ADD_FAILURE() << text << " parsed but should not";
  return Error{ErrorKind::Syntax, {}};
}

TEST(Address, PlainMailbox) {
  Path p = ok("<John.Doe@Example.ORG>");
  EXPECT_FALSE(p.null || p.postmaster || p.source_route);
  EXPECT_EQ(p.mailbox.local_part, "John.Doe");
  EXPECT_EQ(p.mailbox.domain, "Example.ORG");
  EXPECT_EQ(p.str(), "John.Doe@Example.ORG");
  EXPECT_FALSE(has_relay_hack(p));
  EXPECT_EQ(ok("<a!#$%&'*+-/=?^_`{|}~b@x-y.z9>").mailbox.local_part, "a!#$%&'*+-/=?^_`{|}~b");
}

TEST(Address, NullAndPostmaster) {
  Path n = ok("<>", PathKind::Reverse);
  EXPECT_TRUE(n.null);
  EXPECT_EQ(n.str(), "");
  EXPECT_EQ(fail("<>", PathKind::Forward).kind, ErrorKind::BadRecipientAddress);
  Path pm = ok("<PostMaster>");
  EXPECT_TRUE(pm.postmaster);
  EXPECT_EQ(pm.str(), "postmaster");
  EXPECT_FALSE(ok("<postmaster@example.org>").postmaster);
  fail("<postmaster>", PathKind::Reverse);  // only RCPT has the special form
  fail("<postmasterx>");
}

TEST(Address, QuotedLocalPart) {
  Path p = ok(R"(<"john \"j\" doe"@example.org>)");
  EXPECT_TRUE(p.mailbox.quoted);
  EXPECT_EQ(p.mailbox.local_part, R"(john "j" doe)");
  EXPECT_EQ(p.mailbox.str(), R"("john \"j\" doe"@example.org)");
  // A quoted Dot-string is the same mailbox as the unquoted one: canonical form drops the quotes.
  EXPECT_EQ(ok(R"(<"john.doe"@example.org>)").mailbox.str(), "john.doe@example.org");
  EXPECT_EQ(ok(R"(<""@example.org>)").mailbox.str(), R"(""@example.org)");
  fail(R"(<"unterminated@example.org>)");
  fail("<\"tab\there\"@example.org>");
}

TEST(Address, AddressLiterals) {
  Path v4 = ok("<user@[127.0.0.1]>");
  EXPECT_TRUE(v4.mailbox.address_literal);
  EXPECT_EQ(v4.mailbox.domain, "[127.0.0.1]");
  EXPECT_TRUE(ok("<user@[IPv6:2001:db8::1]>").mailbox.address_literal);
  EXPECT_TRUE(ok("<user@[ipv6:::ffff:192.0.2.1]>").mailbox.address_literal);
  EXPECT_TRUE(ok("<user@[x-tag:content]>").mailbox.address_literal);
  for (const char* bad : {"<u@[256.0.0.1]>", "<u@[1.2.3]>", "<u@[1.2.3.4.5]>", "<u@[IPv6:2001:db8::g]>",
                          "<u@[IPv6:1.2.3.4]>", "<u@[]>", "<u@[1.2.3.4>", "<u@[tag:]>", "<u@[1234.1.1.1]>"})
    fail(bad);
}

TEST(Address, DomainSyntax) {
  for (const char* bad : {"<u@-a.org>", "<u@a-.org>", "<u@a..org>", "<u@.a.org>", "<u@a.org.>", "<u@a_b.org>",
                          "<u@>", "<@>", "<u>", "<u@a.org", "u@a.org", "<u@a.org> ", "<u@a.org>x"})
    fail(bad);
  EXPECT_TRUE(is_domain("xn--bcher-kva.example", false));
  EXPECT_TRUE(is_domain("1.2.3", false));
  EXPECT_FALSE(is_domain(std::string(64, 'a') + ".org", false));
  EXPECT_TRUE(is_domain(std::string(63, 'a') + ".org", false));
  EXPECT_TRUE(is_address_literal("[192.0.2.1]"));
  EXPECT_FALSE(is_address_literal("192.0.2.1"));
}

TEST(Address, LocalPartSyntax) {
  for (const char* bad : {"<.a@b.org>", "<a.@b.org>", "<a..b@b.org>", "<a b@b.org>", "<a(b)@b.org>", "<a,b@c.org>",
                          "<a\\b@c.org>", "<\"a\"b@c.org>"})
    fail(bad);
}

TEST(Address, Limits) {
  std::string l64(64, 'a'), l65(65, 'a');
  ok("<" + l64 + "@example.org>");
  EXPECT_EQ(fail("<" + l65 + "@example.org>").reply.text, "Local part too long");
  // A 255-octet domain fits, but then the whole path exceeds 256 octets.
  std::string label(63, 'b');
  std::string d255 = label + "." + label + "." + label + "." + std::string(63, 'c');  // 255
  ASSERT_EQ(d255.size(), 255u);
  EXPECT_TRUE(is_domain(d255, false));
  EXPECT_EQ(fail("<a@" + d255 + ">").kind, ErrorKind::PathTooLong);
  EXPECT_EQ(fail("<a@" + d255 + "d>").kind, ErrorKind::BadRecipientAddress);
  std::string d250 = label + "." + label + "." + label + "." + std::string(58, 'c');
  ok("<a@" + d250 + ">");  // 1 + 1 + 1 + 250 + 1 = 254
}

TEST(Address, SourceRouteIsReportedNotStripped) {
  Path p = ok("<@a,@b:user@d>");
  EXPECT_TRUE(p.source_route);
  EXPECT_EQ(p.route, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(p.mailbox.str(), "user@d");
  EXPECT_TRUE(has_relay_hack(p));
  Path q = ok("<@a:b@c>");
  EXPECT_TRUE(q.source_route);
  EXPECT_EQ(q.route, (std::vector<std::string>{"a"}));
  EXPECT_EQ(q.mailbox.str(), "b@c");
  for (const char* bad : {"<@a>", "<@a:>", "<@:b@c>", "<@a;b@c>", "<@a,b:c@d>", "<@a,@:c@d>"}) fail(bad);
}

TEST(Address, RelayBattery) {
  struct Row {
    const char* path;
    bool percent, bang, at, route;
  };
  const Row rows[] = {
      {"<user%other.test@our.domain>", true, false, false, false},
      {"<@a:b@c>", false, false, false, true},
      {"<\"user@other\"@our.domain>", false, false, true, false},
      {"<user@[127.0.0.1]>", false, false, false, false},
      {"<a!b@our.domain>", false, true, false, false},
      {"<\"a%b\"@our.domain>", true, false, false, false},
      {"<\"user@other\"@[127.0.0.1]>", false, false, true, false},
      {"<plain@our.domain>", false, false, false, false},
  };
  for (const auto& r : rows) {
    Path p = ok(r.path);
    EXPECT_EQ(has_percent_hack(p.mailbox), r.percent) << r.path;
    EXPECT_EQ(has_bang_path(p.mailbox), r.bang) << r.path;
    EXPECT_EQ(has_at_in_local_part(p.mailbox), r.at) << r.path;
    EXPECT_EQ(p.source_route, r.route) << r.path;
    EXPECT_EQ(has_relay_hack(p), r.percent || r.bang || r.at || r.route) << r.path;
  }
  EXPECT_TRUE(ok("<user@[127.0.0.1]>").mailbox.address_literal);
  // Two "@" outside quotes, and other relay tricks, are syntax errors rather than something to strip.
  for (const char* bad : {"<user@other.test@our.domain>", "<user@our.domain,@other>", "<@a,@b>", "<user@our.domain:x>"})
    EXPECT_EQ(fail(bad).kind, ErrorKind::BadRecipientAddress) << bad;
}

TEST(Address, Utf8OnlyWithSmtputf8) {
  const std::string addr = "<j\xc3\xb6rg@b\xc3\xbc" "cher.example>";
  EXPECT_EQ(fail(addr).kind, ErrorKind::NonAsciiAddress);
  EXPECT_EQ(fail(addr).reply.code, 553);
  Path p = ok(addr, PathKind::Forward, true);
  EXPECT_TRUE(p.mailbox.utf8);
  EXPECT_EQ(p.mailbox.local_part, "j\xc3\xb6rg");
  // Malformed UTF-8 is a syntax error even with SMTPUTF8: overlong, surrogate, truncated, stray.
  for (const char* bad : {"<\xc0\xaf@x.org>", "<\xed\xa0\x80@x.org>", "<a\xc3@x.org>", "<\x80@x.org>",
                          "<a@\xff.org>"})
    EXPECT_EQ(fail(bad, PathKind::Forward, true).kind, ErrorKind::BadRecipientAddress) << bad;
  ok("<\"\xe2\x82\xac x\"@x.org>", PathKind::Forward, true);
}

TEST(Address, PrefixAndBareMailbox) {
  std::size_t consumed = 0;
  PathResult r = parse_path_prefix("<a@b.org> SIZE=10", PathKind::Reverse, false, consumed);
  ASSERT_TRUE(std::holds_alternative<Path>(r));
  EXPECT_EQ(consumed, 9u);
  r = parse_path_prefix("<\"a>b\"@c.org>", PathKind::Reverse, false, consumed);
  ASSERT_TRUE(std::holds_alternative<Path>(r));
  EXPECT_EQ(std::get<Path>(r).mailbox.local_part, "a>b");
  EXPECT_EQ(consumed, 13u);
  EXPECT_EQ(std::get<Error>(parse_path("<a@@b>", PathKind::Reverse, false)).reply.enhanced, "5.1.7");
  auto m = parse_mailbox("alice@example.org", false);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->domain, "example.org");
  EXPECT_FALSE(parse_mailbox("<alice@example.org>", false));
  EXPECT_FALSE(parse_mailbox("alice", false));
}

}  // namespace
}  // namespace postamt::smtp::protocol
