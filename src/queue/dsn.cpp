// RFC 3464 delivery status notifications inside RFC 6522 multipart/report.
#include "queue/dsn.hpp"

#include <openssl/rand.h>

#include <cctype>
#include <ctime>

namespace postamt::queue {
namespace {

// Header-safe text: no CR/LF/control characters, bounded length.
std::string clean(const std::string& s, std::size_t max = 900) {
  std::string out;
  for (char c : s) {
    if (out.size() >= max) break;
    unsigned char u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  return out;
}

std::string boundary() {
  unsigned char b[9];
  RAND_bytes(b, sizeof b);
  std::string s = "=_postamt_";
  static constexpr char kHex[] = "0123456789abcdef";
  for (auto c : b) {
    s += kHex[c >> 4];
    s += kHex[c & 15];
  }
  return s;
}

// The header section of a message (up to and including the empty line), or all of it when none.
std::string header_part(const std::string& m) {
  auto p = m.find("\r\n\r\n");
  return p == std::string::npos ? m : m.substr(0, p + 2);
}

std::string with_crlf(std::string s) {
  if (!s.empty() && s.back() != '\n') s += "\r\n";
  return s;
}

}  // namespace

std::string rfc5322_date(std::int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

std::string dsn_status(const std::string& reply, bool expired) {
  // "550 5.1.1 text": the enhanced code follows the reply code.
  if (reply.size() >= 9 && std::isdigit(static_cast<unsigned char>(reply[0])) && reply[3] == ' ') {
    std::size_t end = reply.find(' ', 4);
    std::string code = reply.substr(4, end == std::string::npos ? std::string::npos : end - 4);
    bool ok = code.size() >= 5 && (code[0] == '2' || code[0] == '4' || code[0] == '5') && code[1] == '.';
    for (char c : code) ok = ok && (std::isdigit(static_cast<unsigned char>(c)) || c == '.');
    if (ok && !expired) return code;
    if (ok && expired) return "4" + code.substr(1);
  }
  if (expired) return "4.4.7";  // RFC 3463 §3.5: delivery time expired
  if (!reply.empty() && reply[0] == '5') return "5.0.0";
  if (!reply.empty() && reply[0] == '2') return "2.0.0";
  return "4.0.0";
}

std::string build_dsn(const DsnInput& in) {
  std::int64_t now = in.now ? in.now : static_cast<std::int64_t>(std::time(nullptr));
  std::string b = boundary();
  std::string host = clean(in.reporting_mta, 255);
  std::string m;
  m += "From: Mail Delivery System <MAILER-DAEMON@" + host + ">\r\n";
  m += "To: <" + clean(in.sender, 300) + ">\r\n";
  std::string first_action = in.recipients.empty() ? "failed" : in.recipients.front().action;
  bool delayed = first_action == "delayed";
  bool success = first_action == "delivered" || first_action == "relayed";
  m += delayed   ? "Subject: Delayed Mail (still being retried)\r\n"
       : success ? "Subject: Successful Mail Delivery Report\r\n"
                 : "Subject: Undelivered Mail Returned to Sender\r\n";
  m += "Date: " + rfc5322_date(now) + "\r\n";
  m += "Message-ID: <" + b.substr(10) + ".dsn@" + host + ">\r\n";
  m += "Auto-Submitted: auto-replied\r\n";  // RFC 3834 §5
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"" + b + "\"\r\n";
  m += "\r\nThis is a MIME-encapsulated message.\r\n\r\n";

  m += "--" + b + "\r\n";
  m += "Content-Type: text/plain; charset=utf-8\r\nContent-Description: Notification\r\n\r\n";
  m += "This is the mail system at host " + host + ".\r\n\r\n";
  if (delayed) {
    m += "Your message could not be delivered yet; the mail system will keep trying.\r\n\r\n";
  } else if (success) {
    m += "Your message was delivered (or handed to a server that sends no reports) for these recipients:\r\n\r\n";
  } else {
    m += "Your message could not be delivered to one or more recipients. It is attached below.\r\n\r\n";
  }
  for (const auto& r : in.recipients) {
    m += "<" + clean(r.address, 300) + ">: ";
    m += r.diagnostic.empty() ? "delivery status " + clean(r.status, 20) : clean(r.diagnostic);
    if (!r.remote_mta.empty()) m += " (from " + clean(r.remote_mta, 255) + ")";
    m += "\r\n";
  }
  m += "\r\n--" + b + "\r\n";
  // RFC 3464 §2.1: per-message fields, a blank line, then per-recipient field groups.
  m += "Content-Type: message/delivery-status\r\nContent-Description: Delivery report\r\n\r\n";
  m += "Reporting-MTA: dns; " + host + "\r\n";
  if (!in.envid.empty()) m += "Original-Envelope-Id: " + clean(in.envid, 100) + "\r\n";
  if (in.arrival) m += "Arrival-Date: " + rfc5322_date(in.arrival) + "\r\n";
  for (const auto& r : in.recipients) {
    m += "\r\n";
    m += "Final-Recipient: rfc822; " + clean(r.address, 300) + "\r\n";
    if (!r.orcpt.empty()) {
      auto semi = r.orcpt.find(';');
      if (semi != std::string::npos)
        m += "Original-Recipient: " + clean(r.orcpt.substr(0, semi), 20) + "; " + clean(r.orcpt.substr(semi + 1), 300) +
             "\r\n";
    }
    m += "Action: " + clean(r.action, 20) + "\r\n";
    m += "Status: " + clean(r.status, 20) + "\r\n";
    if (!r.remote_mta.empty()) m += "Remote-MTA: dns; " + clean(r.remote_mta, 255) + "\r\n";
    if (!r.diagnostic.empty()) m += "Diagnostic-Code: smtp; " + clean(r.diagnostic) + "\r\n";
    if (r.last_attempt) m += "Last-Attempt-Date: " + rfc5322_date(r.last_attempt) + "\r\n";
  }
  m += "\r\n--" + b + "\r\n";
  if (in.headers_only) {
    m += "Content-Type: text/rfc822-headers\r\nContent-Description: Undelivered message headers\r\n\r\n";
    m += with_crlf(header_part(in.original));
  } else {
    m += "Content-Type: message/rfc822\r\nContent-Description: Undelivered message\r\n\r\n";
    m += with_crlf(in.original);
  }
  m += "\r\n--" + b + "--\r\n";
  return m;
}

}  // namespace postamt::queue
