// Pure helpers of the SMTP session: Received: field and with-keywords (RFC 5321 §4.4, RFC 3848,
// RFC 6531 §3.7.3), relay_networks matching, From: header extraction, delivery outcome -> replies.
#include <gtest/gtest.h>

#include "smtp/delivery_replies.hpp"
#include "smtp/policy.hpp"
#include "smtp/trace.hpp"

namespace postamt::smtp {
namespace {

TEST(Trace, WithKeywords) {
  EXPECT_EQ(with_keyword(false, false, false, false, false), "SMTP");
  EXPECT_EQ(with_keyword(false, true, false, false, false), "ESMTP");
  EXPECT_EQ(with_keyword(false, true, true, false, false), "ESMTPS");
  EXPECT_EQ(with_keyword(false, true, false, true, false), "ESMTPA");
  EXPECT_EQ(with_keyword(false, true, true, true, false), "ESMTPSA");
  EXPECT_EQ(with_keyword(false, true, true, true, true), "UTF8SMTPSA");
  EXPECT_EQ(with_keyword(true, true, false, false, false), "LMTP");
  EXPECT_EQ(with_keyword(true, true, true, false, false), "LMTPS");
}

TEST(Trace, ReceivedField) {
  TraceInfo t;
  t.helo = "client.example";
  t.remote_ip = "192.0.2.1";
  t.hostname = "mx.example.org";
  t.protocol = "ESMTPSA";
  t.id = "0123456789abcdef";
  t.tls_version = "TLSv1.3";
  t.tls_cipher = "TLS_AES_256_GCM_SHA384";
  t.auth_user = "user@example.org";
  t.recipient = "rcpt@example.org";
  t.time = 1700000000;
  std::string f = received_field(t);
  EXPECT_EQ(f.rfind("Received: from client.example (client.example [192.0.2.1])\r\n"
                    "\tby mx.example.org (postamt) with ESMTPSA id 0123456789abcdef\r\n"
                    "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384)\r\n"
                    "\t(authenticated as user@example.org)\r\n"
                    "\tfor <rcpt@example.org>; ",
                    0),
            0u)
      << f;
  EXPECT_EQ(f.substr(f.size() - 2), "\r\n");
  EXPECT_EQ(f.find("\r\n"), f.find("\r\n\t"));  // every line break is a fold
}

TEST(Trace, HostileHeloCannotBreakTheField) {
  TraceInfo t;
  t.helo = "evil)\r\nBcc: x@y (\\";
  t.remote_ip = "::1";
  t.hostname = "mx";
  t.protocol = "SMTP";
  t.id = "1";
  std::string f = received_field(t);
  EXPECT_EQ(f.find("Bcc: "), std::string::npos);
  EXPECT_EQ(f.find(")\r\n\tby"), f.find(")"));  // the only ")" before "by" closes our own comment
  for (std::size_t i = 0; i + 1 < f.size(); ++i)
    if (f[i] == '\r') {
      EXPECT_EQ(f.substr(i, 2), "\r\n");
    }
  EXPECT_EQ(received_field(TraceInfo{}).find("from unknown"), 10u);
}

TEST(Trace, DateAndIds) {
  std::string d = rfc5322_date(1700000000);
  EXPECT_NE(d.find("2023"), std::string::npos) << d;
  EXPECT_EQ(d.find("  "), std::string::npos) << d;
  auto a = new_message_id(), b = new_message_id();
  EXPECT_EQ(a.size(), 16u);
  EXPECT_NE(a, b);
}

TEST(Policy, InNetworks) {
  std::vector<std::string> nets{"192.0.2.0/24", "10.0.0.0/8", "2001:db8::/32", "203.0.113.7", "garbage"};
  EXPECT_TRUE(in_networks("192.0.2.200", nets));
  EXPECT_FALSE(in_networks("192.0.3.1", nets));
  EXPECT_TRUE(in_networks("10.255.0.1", nets));
  EXPECT_TRUE(in_networks("203.0.113.7", nets));
  EXPECT_FALSE(in_networks("203.0.113.8", nets));
  EXPECT_TRUE(in_networks("2001:db8:1::5", nets));
  EXPECT_FALSE(in_networks("2001:db9::5", nets));
  EXPECT_FALSE(in_networks("not-an-ip", nets));
  EXPECT_FALSE(in_networks("127.0.0.1", {}));
  EXPECT_TRUE(in_networks("127.0.0.1", {"0.0.0.0/0"}));
  EXPECT_TRUE(in_networks("192.0.2.129", {"192.0.2.128/25"}));
  EXPECT_FALSE(in_networks("192.0.2.127", {"192.0.2.128/25"}));
}

TEST(Policy, FromHeaderAddresses) {
  EXPECT_EQ(from_header_addresses("From: Alice <alice@example.org>\r\nTo: b@c\r\n\r\nFrom: not@header\r\n"),
            (std::vector<std::string>{"alice@example.org"}));
  EXPECT_EQ(from_header_addresses("Subject: x\r\nfrom: a@b.example,\r\n c@d.example\r\n\r\n"),
            (std::vector<std::string>{"a@b.example", "c@d.example"}));
  EXPECT_TRUE(from_header_addresses("Subject: no from\r\n\r\nbody").empty());
  EXPECT_TRUE(from_header_addresses("").empty());
}

delivery::RecipientResult rr(std::string who, delivery::Status st) { return {std::move(who), st, "why", {}, 0}; }

TEST(DeliveryReplies, PerRecipient) {
  using delivery::Status;
  EXPECT_EQ(recipient_reply(rr("a@b", Status::Delivered), "id").code, 250);
  auto r = recipient_reply(rr("a@b", Status::UnknownUser), "id");
  EXPECT_EQ(r.code, 550);
  EXPECT_EQ(r.enhanced, "5.1.1");
  EXPECT_NE(r.text.find("<a@b>"), std::string::npos);
  EXPECT_EQ(recipient_reply(rr("a@b", Status::TooBig), "id").enhanced, "5.3.4");
  EXPECT_EQ(recipient_reply(rr("a@b", Status::BadMessage), "id").code, 554);
  EXPECT_EQ(recipient_reply(rr("a@b", Status::TempFailure), "id").code, 451);
  EXPECT_EQ(recipient_reply(rr("a@b", Status::NotLocal), "id").enhanced, "5.1.2");
}

TEST(DeliveryReplies, Summary) {
  using delivery::Status;
  EXPECT_EQ(summary_reply({}, "id").code, 451);
  EXPECT_EQ(summary_reply({rr("a", Status::Delivered), rr("b", Status::Delivered)}, "id").code, 250);
  // Any temporary failure: the client retries (a duplicate is better than a loss).
  EXPECT_EQ(summary_reply({rr("a", Status::Delivered), rr("b", Status::TempFailure)}, "id").code, 451);
  EXPECT_EQ(summary_reply({rr("a", Status::Delivered), rr("b", Status::UnknownUser)}, "id").code, 250);
  auto all_bad = summary_reply({rr("a", Status::BadMessage), rr("b", Status::BadMessage)}, "id");
  EXPECT_EQ(all_bad.code, 554);
  EXPECT_EQ(all_bad.text.find("<a>"), std::string::npos);
  EXPECT_NE(summary_reply({rr("a", Status::TooBig)}, "id").text.find("<a>"), std::string::npos);
}

}  // namespace
}  // namespace postamt::smtp
