// RFC 3464 bounces: structure, per-recipient fields, RET=HDRS, header injection, status mapping;
// and the retry schedule.
#include "queue/dsn.hpp"

#include <gtest/gtest.h>

#include "queue/schedule.hpp"

namespace postamt::queue {
namespace {

DsnInput input() {
  DsnInput in;
  in.reporting_mta = "mx.example.test";
  in.sender = "alice@example.test";
  in.envid = "ENV42";
  in.arrival = 1700000000;
  in.now = 1700003600;
  DsnRecipient r;
  r.address = "bob@far.test";
  r.orcpt = "rfc822;Bob@far.test";
  r.status = "5.1.1";
  r.diagnostic = "550 5.1.1 <bob@far.test> User unknown";
  r.remote_mta = "mx.far.test";
  r.last_attempt = 1700003500;
  in.recipients.push_back(r);
  in.original = "Subject: original\r\nFrom: alice@example.test\r\n\r\nsecret body\r\n";
  return in;
}

TEST(Dsn, MultipartReportWithDeliveryStatus) {
  std::string m = build_dsn(input());
  EXPECT_NE(m.find("Content-Type: multipart/report; report-type=delivery-status;"), std::string::npos);
  EXPECT_NE(m.find("To: <alice@example.test>\r\n"), std::string::npos);
  EXPECT_NE(m.find("Auto-Submitted: auto-replied\r\n"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: message/delivery-status\r\n"), std::string::npos);
  EXPECT_NE(m.find("Reporting-MTA: dns; mx.example.test\r\n"), std::string::npos);
  EXPECT_NE(m.find("Original-Envelope-Id: ENV42\r\n"), std::string::npos);
  EXPECT_NE(m.find("Arrival-Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\n\r\nFinal-Recipient: rfc822; bob@far.test\r\n"), std::string::npos);
  EXPECT_NE(m.find("Original-Recipient: rfc822; Bob@far.test\r\n"), std::string::npos);
  EXPECT_NE(m.find("Action: failed\r\nStatus: 5.1.1\r\n"), std::string::npos);
  EXPECT_NE(m.find("Remote-MTA: dns; mx.far.test\r\n"), std::string::npos);
  EXPECT_NE(m.find("Diagnostic-Code: smtp; 550 5.1.1 <bob@far.test> User unknown\r\n"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: message/rfc822\r\n"), std::string::npos);
  EXPECT_NE(m.find("secret body"), std::string::npos);
  // The closing boundary ends the message.
  auto b = m.find("boundary=\"");
  std::string boundary = m.substr(b + 10, m.find('"', b + 10) - b - 10);
  EXPECT_EQ(m.substr(m.size() - boundary.size() - 6), "--" + boundary + "--\r\n");
  for (std::size_t i = 0; i + 1 < m.size(); ++i)
    if (m[i] == '\n') {
      ASSERT_EQ(m[i - 1], '\r') << "bare LF at " << i;
    }
}

TEST(Dsn, RetHdrsSendsOnlyTheHeader) {
  auto in = input();
  in.headers_only = true;
  std::string m = build_dsn(in);
  EXPECT_NE(m.find("Content-Type: text/rfc822-headers\r\n"), std::string::npos);
  EXPECT_NE(m.find("Subject: original"), std::string::npos);
  EXPECT_EQ(m.find("secret body"), std::string::npos);
}

TEST(Dsn, NoHeaderInjectionFromReplies) {
  auto in = input();
  in.recipients[0].diagnostic = "550 evil\r\nBcc: victim@x.test";
  in.sender = "a@b.test>\r\nBcc: <x@y.test";
  std::string m = build_dsn(in);
  EXPECT_EQ(m.find("\r\nBcc:"), std::string::npos);
}

TEST(Dsn, StatusFromReplies) {
  EXPECT_EQ(dsn_status("550 5.1.1 User unknown", false), "5.1.1");
  EXPECT_EQ(dsn_status("554 Transaction failed", false), "5.0.0");
  EXPECT_EQ(dsn_status("451 4.4.1 connection refused", true), "4.4.1");
  EXPECT_EQ(dsn_status("", true), "4.4.7");
  EXPECT_EQ(dsn_status("421 try later", true), "4.4.7");
  EXPECT_EQ(dsn_status("556 5.1.10 null MX", false), "5.1.10");
}

TEST(Schedule, ExponentialBackoffUpToTheMaximum) {
  config::QueueConfig q;
  q.retry_initial_seconds = 300;
  q.retry_max_seconds = 3600;
  EXPECT_EQ(retry_delay(q, 1), 300);
  EXPECT_EQ(retry_delay(q, 2), 600);
  EXPECT_EQ(retry_delay(q, 3), 1200);
  EXPECT_EQ(retry_delay(q, 4), 2400);
  EXPECT_EQ(retry_delay(q, 5), 3600);
  EXPECT_EQ(retry_delay(q, 500), 3600);
  q.max_age_seconds = 100;
  EXPECT_FALSE(expired(q, 1000, 1099));
  EXPECT_TRUE(expired(q, 1000, 1100));
}

}  // namespace
}  // namespace postamt::queue
