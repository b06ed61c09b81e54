// DMARC: record parsing, policy discovery at the From domain and the organizational domain, relaxed
// and strict alignment, sp= and pct=; organizational domains; the Authentication-Results field.
#include <gtest/gtest.h>

#include "mailauth/auth_results.hpp"
#include "mailauth/authenticate.hpp"
#include "mailauth/dmarc/org_domain.hpp"
#include "mailauth/static_resolver.hpp"

namespace postamt::mailauth::dmarc {
namespace {

dkim::Verification dkim_pass(std::string domain) {
  dkim::Verification v;
  v.result = dkim::Result::Pass;
  v.domain = std::move(domain);
  return v;
}

spf::Outcome spf_result(spf::Result r, std::string domain) {
  spf::Outcome o;
  o.result = r;
  o.domain = std::move(domain);
  return o;
}

TEST(DmarcOrgDomain, BuiltinAndPublicSuffixList) {
  auto builtin = PublicSuffixes::builtin();
  EXPECT_EQ(builtin.organizational_domain("mail.example.com"), "example.com");
  EXPECT_EQ(builtin.organizational_domain("a.b.example.co.uk"), "example.co.uk");
  EXPECT_EQ(builtin.organizational_domain("example.com."), "example.com");
  EXPECT_EQ(builtin.organizational_domain("com"), "com");
  auto psl = PublicSuffixes::from_text("// comment\ncom\nuk\nco.uk\n*.ck\n!www.ck\n");
  EXPECT_EQ(psl.organizational_domain("x.y.example.co.uk"), "example.co.uk");
  EXPECT_EQ(psl.organizational_domain("a.b.foo.ck"), "b.foo.ck");  // *.ck: foo.ck is a suffix
  EXPECT_EQ(psl.organizational_domain("a.www.ck"), "www.ck");       // !www.ck: exception
  EXPECT_EQ(organizational_domain("Sub.Example.ORG"), "example.org");
}

TEST(DmarcRecord, Parsing) {
  auto r = parse_record("v=DMARC1; p=reject; sp=quarantine; pct=50; adkim=s; rua=mailto:d@example.com");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->p, Policy::Reject);
  EXPECT_EQ(r->sp, Policy::Quarantine);
  EXPECT_EQ(r->pct, 50);
  EXPECT_TRUE(r->adkim_strict);
  EXPECT_FALSE(r->aspf_strict);
  std::string err;
  EXPECT_FALSE(parse_record("v=DMARC1; p=bogus", &err));
  EXPECT_FALSE(parse_record("p=reject; v=DMARC1", &err));  // v= must be first
  EXPECT_FALSE(parse_record("v=DMARC1; p=none; pct=101", &err));
  auto fallback = parse_record("v=DMARC1; p=bogus; rua=mailto:x@example.com");  // §6.6.3 step 6
  ASSERT_TRUE(fallback);
  EXPECT_EQ(fallback->p, Policy::None);
}

TEST(Dmarc, PassByAlignedDkimOrSpf) {
  StaticResolver dns;
  dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
  auto o = evaluate("example.com", {dkim_pass("mail.example.com")}, spf_result(spf::Result::Fail, "x.example"), dns, 0);
  EXPECT_EQ(o.result, Result::Pass);
  EXPECT_TRUE(o.dkim_aligned);
  o = evaluate("example.com", {}, spf_result(spf::Result::Pass, "bounces.example.com"), dns, 0);
  EXPECT_EQ(o.result, Result::Pass);
  EXPECT_TRUE(o.spf_aligned);
  o = evaluate("example.com", {dkim_pass("other.example")}, spf_result(spf::Result::Pass, "other.example"), dns, 0);
  EXPECT_EQ(o.result, Result::Fail);
  EXPECT_EQ(o.disposition, Policy::Reject);
}

TEST(Dmarc, StrictAlignment) {
  StaticResolver dns;
  dns.add_txt("_dmarc.example.com", "v=DMARC1; p=quarantine; adkim=s; aspf=s");
  auto o = evaluate("example.com", {dkim_pass("mail.example.com")},
                    spf_result(spf::Result::Pass, "bounces.example.com"), dns, 0);
  EXPECT_EQ(o.result, Result::Fail);
  EXPECT_EQ(o.disposition, Policy::Quarantine);
  o = evaluate("example.com", {dkim_pass("EXAMPLE.com")}, spf_result(spf::Result::None, ""), dns, 0);
  EXPECT_EQ(o.result, Result::Pass);
}

TEST(Dmarc, OrganizationalDomainAndSubdomainPolicy) {
  StaticResolver dns;
  dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject; sp=none");
  auto o = evaluate("news.example.com", {}, spf_result(spf::Result::Fail, "news.example.com"), dns, 0);
  EXPECT_EQ(o.result, Result::Fail);
  EXPECT_EQ(o.policy_domain, "example.com");
  EXPECT_EQ(o.policy, Policy::None);  // sp= for the subdomain
  EXPECT_EQ(o.disposition, Policy::None);
  o = evaluate("example.com", {}, spf_result(spf::Result::Fail, "example.com"), dns, 0);
  EXPECT_EQ(o.policy, Policy::Reject);
}

TEST(Dmarc, PctAndErrors) {
  StaticResolver dns;
  dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject; pct=20");
  auto fail = spf_result(spf::Result::Fail, "example.com");
  EXPECT_EQ(evaluate("example.com", {}, fail, dns, 19).disposition, Policy::Reject);
  auto o = evaluate("example.com", {}, fail, dns, 20);
  EXPECT_EQ(o.disposition, Policy::Quarantine);  // §6.6.4: one step less
  EXPECT_TRUE(o.sampled_out);
  EXPECT_EQ(evaluate("nodmarc.example", {}, fail, dns, 0).result, Result::None);
  dns.add_tempfail("_dmarc.broken.example");
  EXPECT_EQ(evaluate("broken.example", {}, fail, dns, 0).result, Result::TempError);
  dns.add_txt("_dmarc.two.example", "v=DMARC1; p=reject");
  dns.add_txt("_dmarc.two.example", "v=DMARC1; p=none");
  EXPECT_EQ(evaluate("two.example", {}, fail, dns, 0).result, Result::None);
}

TEST(AuthResults, Format) {
  AuthResults ar;
  ar.authserv_id = "mx.example.net";
  dkim::Verification good = dkim_pass("example.com");
  good.selector = "sel";
  good.identity = "@example.com";
  good.algorithm = "ed25519-sha256";
  good.b_prefix = "abc+/def";
  dkim::Verification bad;
  bad.result = dkim::Result::Fail;
  bad.reason = "body hash mismatch";
  bad.domain = "other.example";
  ar.dkim = std::vector<dkim::Verification>{good, bad};
  ar.spf = spf_result(spf::Result::Pass, "example.com");
  ar.spf_mail_from = "user@example.com";
  Outcome d;
  d.result = Result::Pass;
  d.from_domain = "example.com";
  d.policy = Policy::Reject;
  ar.dmarc = d;
  EXPECT_EQ(format_authentication_results(ar),
            "Authentication-Results: mx.example.net;\r\n"
            "\tdkim=pass header.d=example.com header.i=@example.com header.s=sel header.a=ed25519-sha256 "
            "header.b=\"abc+/def\";\r\n"
            "\tdkim=fail reason=\"body hash mismatch\" header.d=other.example;\r\n"
            "\tspf=pass smtp.mailfrom=user@example.com;\r\n"
            "\tdmarc=pass (p=reject dis=NONE) header.from=example.com\r\n");
  AuthResults none;
  none.authserv_id = "mx.example.net";
  EXPECT_EQ(format_authentication_results(none), "Authentication-Results: mx.example.net; none\r\n");
  EXPECT_TRUE(names_authserv_id(" MX.example.net; spf=pass", "mx.example.net"));
  EXPECT_TRUE(names_authserv_id("mx.example.net 1; none", "mx.example.net"));
  EXPECT_FALSE(names_authserv_id(" mx.example.net.evil; spf=pass", "mx.example.net"));
}

TEST(Authenticate, EndToEndWithSignedMessage) {
  auto key = dkim::generate(dkim::Algorithm::Ed25519Sha256, "example.com", "s1");
  auto pkey = dkim::load_private_key(key.private_key_pem);
  std::string msg = "From: Alice <alice@example.com>\r\nTo: bob@example.net\r\nSubject: hi\r\n\r\nHello\r\n";
  dkim::SignOptions so;
  so.domain = "example.com";
  so.selector = "s1";
  msg = dkim::sign(msg, pkey.get(), so) + msg;
  StaticResolver dns;
  dns.add_txt(key.record_name, key.record_value);
  dns.add_txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");
  dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
  AuthenticationRequest req;
  req.authserv_id = "mx.example.net";
  req.smtp.ip = "192.0.2.1";
  req.smtp.mail_from = "alice@example.com";
  req.smtp.helo = "out.example.com";
  auto report = authenticate(msg, req, dns);
  EXPECT_EQ(report.dmarc.result, Result::Pass);
  EXPECT_NE(report.header.find("dkim=pass header.d=example.com"), std::string::npos) << report.header;
  EXPECT_NE(report.header.find("spf=pass smtp.mailfrom=alice@example.com"), std::string::npos);
  // Forged: wrong IP and body changed -> DMARC fail, reject.
  req.smtp.ip = "198.51.100.1";
  std::string forged = msg;
  forged.replace(forged.find("Hello"), 5, "Pay me");
  report = authenticate(forged, req, dns);
  EXPECT_EQ(report.dmarc.result, Result::Fail);
  EXPECT_EQ(report.disposition(), Policy::Reject);
  EXPECT_NE(report.header.find("dkim=fail"), std::string::npos);
  EXPECT_NE(report.header.find("spf=fail"), std::string::npos);
}

}  // namespace
}  // namespace postamt::mailauth::dmarc
