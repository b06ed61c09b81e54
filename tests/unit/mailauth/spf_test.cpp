// SPF check_host() over a table of DNS records: every mechanism, qualifiers, include/redirect
// semantics (RFC 7208 §5.2, §6.1), macros (§7.4 examples), and the lookup limits (§4.6.4).
#include <gtest/gtest.h>

#include "mailauth/ip.hpp"
#include "mailauth/spf/spf.hpp"
#include "mailauth/static_resolver.hpp"

namespace postamt::mailauth::spf {
namespace {

Outcome check(StaticResolver& dns, std::string ip, std::string from = "user@example.com") {
  Request r;
  r.ip = std::move(ip);
  r.mail_from = std::move(from);
  r.helo = "mail.example.com";
  return check_mail_from(r, dns);
}

TEST(SpfIp, PrefixMatching) {
  auto a = *IpAddress::parse("192.0.2.130"), net = *IpAddress::parse("192.0.2.128");
  EXPECT_TRUE(a.in_network(net, 25));
  EXPECT_FALSE(a.in_network(net, 32));
  EXPECT_TRUE(IpAddress::parse("::ffff:192.0.2.130")->in_network(net, 25));  // mapped = v4 (§5)
  EXPECT_FALSE(IpAddress::parse("2001:db8::1")->in_network(net, 0));
  EXPECT_EQ(IpAddress::parse("2001:db8::cb01")->macro_form(),
            "2.0.0.1.0.d.b.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.c.b.0.1");
  EXPECT_FALSE(IpAddress::parse("300.1.1.1"));
}

TEST(Spf, Ip4Ip6AndAll) {
  StaticResolver dns;
  dns.add_txt("example.com", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all");
  EXPECT_EQ(check(dns, "192.0.2.10").result, Result::Pass);
  EXPECT_EQ(check(dns, "192.0.2.10").mechanism, "ip4:192.0.2.0/24");
  EXPECT_EQ(check(dns, "2001:db8:1::5").result, Result::Pass);
  EXPECT_EQ(check(dns, "198.51.100.1").result, Result::SoftFail);
  EXPECT_EQ(check(dns, "198.51.100.1").mechanism, "~all");
}

TEST(Spf, NoRecordIsNoneAndTwoArePermerror) {
  StaticResolver dns;
  dns.add_txt("example.com", "google-site-verification=abc");
  EXPECT_EQ(check(dns, "192.0.2.1").result, Result::None);
  dns.add_txt("two.example", "v=spf1 -all");
  dns.add_txt("two.example", "v=spf1 +all");
  EXPECT_EQ(check(dns, "192.0.2.1", "a@two.example").result, Result::PermError);
  dns.add_txt("spf10.example", "v=spf10 -all");  // not "v=spf1" followed by SP
  EXPECT_EQ(check(dns, "192.0.2.1", "a@spf10.example").result, Result::None);
  dns.add_tempfail("broken.example");
  EXPECT_EQ(check(dns, "192.0.2.1", "a@broken.example").result, Result::TempError);
}

TEST(Spf, AAndMxWithCidr) {
  StaticResolver dns;
  dns.add_txt("example.com", "v=spf1 a mx:mail.example.net/24 a:other.example.com//64 -all");
  dns.add_a("example.com", "192.0.2.1");
  dns.add_mx("mail.example.net", 10, "mx1.example.net");
  dns.add_a("mx1.example.net", "198.51.100.7");
  dns.add_aaaa("other.example.com", "2001:db8:aaaa:bbbb::1");
  EXPECT_EQ(check(dns, "192.0.2.1").result, Result::Pass);
  EXPECT_EQ(check(dns, "192.0.2.2").result, Result::Fail);
  EXPECT_EQ(check(dns, "198.51.100.200").result, Result::Pass);  // mx /24
  EXPECT_EQ(check(dns, "2001:db8:aaaa:bbbb:ffff::9").result, Result::Pass);
  EXPECT_EQ(check(dns, "2001:db8:aaaa:cccc::1").result, Result::Fail);
}

TEST(Spf, IncludeAndRedirect) {
  StaticResolver dns;
  dns.add_txt("example.com", "v=spf1 include:_spf.provider.example -include:bad.example redirect=fallback.example");
  dns.add_txt("_spf.provider.example", "v=spf1 ip4:203.0.113.0/24 -all");
  dns.add_txt("bad.example", "v=spf1 ip4:198.51.100.66 -all");
  dns.add_txt("fallback.example", "v=spf1 ip4:192.0.2.99 ?all");
  EXPECT_EQ(check(dns, "203.0.113.5").result, Result::Pass);
  EXPECT_EQ(check(dns, "198.51.100.66").result, Result::Fail);  // include pass + "-" qualifier
  EXPECT_EQ(check(dns, "192.0.2.99").result, Result::Pass);     // via redirect
  EXPECT_EQ(check(dns, "192.0.2.100").result, Result::Neutral);
  // include of a domain without SPF is permerror (§5.2); redirect to one too (§6.1).
  dns.add_txt("inc-none.example", "v=spf1 include:nothing.example -all");
  EXPECT_EQ(check(dns, "192.0.2.1", "a@inc-none.example").result, Result::PermError);
  dns.add_txt("red-none.example", "v=spf1 redirect=nothing.example");
  EXPECT_EQ(check(dns, "192.0.2.1", "a@red-none.example").result, Result::PermError);
  // redirect is ignored when "all" is present.
  dns.add_txt("all-wins.example", "v=spf1 -all redirect=fallback.example");
  EXPECT_EQ(check(dns, "192.0.2.99", "a@all-wins.example").result, Result::Fail);
}

TEST(Spf, LookupLimits) {
  StaticResolver dns;
  // A chain of 11 includes exceeds the 10-term limit.
  for (int i = 0; i < 12; ++i)
    dns.add_txt("l" + std::to_string(i) + ".example", "v=spf1 include:l" + std::to_string(i + 1) + ".example -all");
  auto o = check(dns, "192.0.2.1", "a@l0.example");
  EXPECT_EQ(o.result, Result::PermError);
  EXPECT_EQ(o.reason, "more than 10 DNS lookups");
  // A loop is stopped by the same limit.
  dns.add_txt("loop.example", "v=spf1 include:loop.example -all");
  EXPECT_EQ(check(dns, "192.0.2.1", "a@loop.example").result, Result::PermError);
  // Three void lookups exceed the limit of two.
  dns.add_txt("voids.example", "v=spf1 a:v1.example a:v2.example a:v3.example ip4:192.0.2.1 -all");
  o = check(dns, "192.0.2.1", "a@voids.example");
  EXPECT_EQ(o.result, Result::PermError);
  EXPECT_EQ(o.reason, "more than 2 void DNS lookups");
  dns.add_txt("twovoids.example", "v=spf1 a:v1.example a:v2.example ip4:192.0.2.1 -all");
  EXPECT_EQ(check(dns, "192.0.2.1", "a@twovoids.example").result, Result::Pass);
  // 10 terms are fine.
  dns.add_txt("ten.example", "v=spf1 a a a a a a a a a a ip4:192.0.2.1 -all");
  dns.add_a("ten.example", "198.51.100.1");
  EXPECT_EQ(check(dns, "192.0.2.1", "a@ten.example").result, Result::Pass);
  dns.add_txt("eleven.example", "v=spf1 a a a a a a a a a a a ip4:192.0.2.1 -all");
  dns.add_a("eleven.example", "198.51.100.1");
  EXPECT_EQ(check(dns, "192.0.2.1", "a@eleven.example").result, Result::PermError);
}

TEST(Spf, MacrosAndExists) {
  StaticResolver dns;
  dns.add_txt("example.com", "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all");
  // RFC 7208 §7.4: %{l1r-} of "strong-bad" is "strong" (split, reverse, keep the rightmost one).
  dns.add_a("1.2.0.192.strong._spf.example.com", "127.0.0.2");
  EXPECT_EQ(check(dns, "192.0.2.1", "strong-bad+someuser@example.com").result, Result::Pass);
  EXPECT_EQ(check(dns, "192.0.2.2", "strong-bad+someuser@example.com").result, Result::Fail);
  dns.add_txt("badmacro.example", "v=spf1 exists:%{z}.example -all");
  EXPECT_EQ(check(dns, "192.0.2.1", "a@badmacro.example").result, Result::PermError);
}

TEST(Spf, SyntaxErrorsArePermerror) {
  StaticResolver dns;
  for (const char* rec : {"v=spf1 ip4:192.0.2.0/33 -all", "v=spf1 ip4:2001:db8::1 -all", "v=spf1 foo:bar -all",
                          "v=spf1 a:example.com/40", "v=spf1 redirect=a.example redirect=b.example"}) {
    StaticResolver d;
    d.add_txt("example.com", rec);
    EXPECT_EQ(check(d, "192.0.2.1").result, Result::PermError) << rec;
  }
  dns.add_txt("example.com", "v=spf1 unknown-mod=x ip4:192.0.2.1 -all");  // unknown modifiers are ignored
  EXPECT_EQ(check(dns, "192.0.2.1").result, Result::Pass);
}

TEST(Spf, NullSenderUsesHelo) {
  StaticResolver dns;
  dns.add_txt("mail.example.com", "v=spf1 ip4:192.0.2.5 -all");
  auto o = check(dns, "192.0.2.5", "");
  EXPECT_EQ(o.result, Result::Pass);
  EXPECT_EQ(o.domain, "mail.example.com");
  EXPECT_EQ(check(dns, "bad ip").result, Result::PermError);
}

}  // namespace
}  // namespace postamt::mailauth::spf
