// Delivery status notifications (bounces): a multipart/report (RFC 6522) with a human part, the
// message/delivery-status part of RFC 3464 §2 and the original message (or its header with RET=HDRS,
// RFC 3461 §4.3), sent from the null reverse path (RFC 5321 §4.5.5) so it can never loop.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace postamt::queue {

struct DsnRecipient {
  std::string address;      // Final-Recipient
  std::string orcpt;        // "rfc822;addr" or ""
  std::string action = "failed";  // failed | delayed | delivered | relayed (RFC 3464 §2.3.3)
  std::string status;       // "5.1.1" (RFC 3463)
  std::string diagnostic;   // the remote reply, "550 5.1.1 ..." ("" when none)
  std::string remote_mta;   // host that answered ("" when none)
  std::int64_t last_attempt = 0;
};

struct DsnInput {
  std::string reporting_mta;  // our hostname
  std::string sender;         // the envelope sender the report goes to
  std::string envid;          // ENVID of the original message
  bool headers_only = false;  // RET=HDRS
  std::int64_t arrival = 0;   // when the original entered the queue
  std::vector<DsnRecipient> recipients;
  std::string original;       // the original message
  std::int64_t now = 0;       // for Date: (0 = time(nullptr))
};

// The whole bounce message with CRLF line ends.
std::string build_dsn(const DsnInput& in);

// The RFC 3463 status for a recipient's last reply: its enhanced code when it has one, else derived
// from the reply code (5xx -> 5.0.0, 4xx -> 4.0.0); "4.4.7" when the message expired without a reply.
std::string dsn_status(const std::string& last_reply, bool expired);

// RFC 5322 date-time for a unix time ("Tue, 24 Nov 2026 18:00:00 +0000").
std::string rfc5322_date(std::int64_t t);

}  // namespace postamt::queue
