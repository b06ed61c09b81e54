// Messages made by Sieve actions at delivery (see sieve_messages.hpp): RFC 5228 §4.2/§10 redirect
// marker, RFC 5230 §5 and RFC 3834 §3 vacation replies, RFC 5429 §2.1.2/§2.2.1 rejection notices
// (RFC 8098 MDN, RFC 3464 DSN inside RFC 6522 multipart/report), RFC 2047 encoded subjects.
#include "delivery/sieve_messages.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <ctime>
#include <stdexcept>

#include "common/strings.hpp"
#include "delivery/message_input.hpp"

namespace postamt::delivery {
namespace {

std::string date_field(std::int64_t now) {
  std::time_t t = static_cast<std::time_t>(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

std::string random_hex(std::size_t bytes) {
  unsigned char buf[32];
  if (bytes > sizeof buf) bytes = sizeof buf;
  if (RAND_bytes(buf, static_cast<int>(bytes)) != 1) throw std::runtime_error("no random bytes for a Message-ID");
  return str::hex(std::string_view(reinterpret_cast<const char*>(buf), bytes));
}

std::string message_id(const std::string& hostname) { return "<" + random_hex(12) + "@" + hostname + ">"; }

// A header value on one line: CR, LF and other controls become spaces (no header injection).
std::string one_line(std::string_view v) {
  std::string out;
  for (char c : v) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  return std::string(str::trim(out));
}

bool is_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

std::string base64(std::string_view s) {
  std::string out(4 * ((s.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(s.data()),
                          static_cast<int>(s.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// RFC 2047 §4.1 "B" encoded-words of at most 75 octets, split on UTF-8 character boundaries.
std::string encode_phrase(std::string_view text) {
  std::string v = one_line(text);
  if (is_ascii(v)) return v;
  std::string out;
  std::size_t i = 0;
  while (i < v.size()) {
    std::size_t end = std::min(v.size(), i + 45);
    while (end < v.size() && (static_cast<unsigned char>(v[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(v.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

// A text/plain body: 7bit when it is ASCII with short lines, else base64 in 76-character lines.
std::string text_part(std::string_view text) {
  std::string body = normalize_crlf(text);
  if (body.size() < 2 || body.compare(body.size() - 2, 2, "\r\n") != 0) body += "\r\n";
  bool long_line = false;
  std::size_t start = 0;
  for (std::size_t p; (p = body.find("\r\n", start)) != std::string::npos; start = p + 2)
    if (p - start > 900) long_line = true;
  if (is_ascii(body) && !long_line)
    return "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + body;
  std::string b = base64(body), wrapped;
  for (std::size_t i = 0; i < b.size(); i += 76) wrapped += b.substr(i, 76) + "\r\n";
  return "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + wrapped;
}

// :mime (RFC 5230 §4.3): the reason is a MIME entity; only its Content-* fields are taken into the
// reply's header (never From/To/Subject), the body follows unchanged.
std::string mime_part(std::string_view entity) {
  std::string e = normalize_crlf(entity);
  auto sep = e.find("\r\n\r\n");
  if (e.rfind("\r\n", 0) == 0) sep = 0;
  if (sep == std::string::npos) return text_part(entity);
  std::string head = sep == 0 ? std::string() : e.substr(0, sep + 2), fields;
  bool take = false;
  std::size_t start = 0;
  for (std::size_t p; (p = head.find("\r\n", start)) != std::string::npos; start = p + 2) {
    std::string_view line(head.data() + start, p - start);
    if (line.empty()) continue;
    if (line[0] != ' ' && line[0] != '\t') take = str::istarts_with(line, "content-");
    if (take) fields += std::string(line) + "\r\n";
  }
  if (fields.empty()) fields = "Content-Type: text/plain; charset=us-ascii\r\n";
  return fields + "\r\n" + e.substr(sep == 0 ? 2 : sep + 4);
}

std::optional<std::string> field(std::string_view raw, const mime::Message& parsed, std::string_view name) {
  auto v = mime::header_value(raw, parsed.root, name);
  if (!v) return std::nullopt;
  return one_line(*v);
}

// The original for a report: without our Return-Path; its header only when it is too big.
std::string returned_part(std::string_view original, const mime::Message& parsed) {
  std::string_view m = strip_leading_return_path(original);
  if (m.size() <= kMaxReturnedMessage)
    return "Content-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n" + std::string(m);
  std::size_t head = std::min(parsed.root.header_end, original.size());
  std::string_view h = strip_leading_return_path(original.substr(0, head));
  return "Content-Type: text/rfc822-headers\r\nContent-Disposition: attachment\r\n\r\n" + std::string(h);
}

std::vector<std::string> reason_lines(std::string_view reason) {
  std::vector<std::string> lines;
  std::string cur;
  for (char c : reason) {
    if (c == '\n') {
      lines.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
    }
  }
  lines.push_back(cur);
  while (!lines.empty() && str::trim(lines.back()).empty()) lines.pop_back();
  return lines;
}

}  // namespace

bool redirect_would_loop(std::string_view message, const mime::Message& parsed, std::string_view address) {
  std::size_t markers = 0;
  for (const auto& [name, value] : mime::header_fields(message, parsed.root)) {
    if (!str::iequals(name, kRedirectMarker)) continue;
    if (++markers >= kMaxRedirectMarkers) return true;
    std::string v(str::trim(value));
    if (v.size() >= 2 && v.front() == '<' && v.back() == '>') v = v.substr(1, v.size() - 2);
    if (str::iequals(v, address)) return true;
  }
  return false;
}

std::string outgoing_copy(std::string_view stored, std::string_view redirected_by) {
  std::string out;
  if (!redirected_by.empty()) out = std::string(kRedirectMarker) + ": <" + one_line(redirected_by) + ">\r\n";
  out += strip_leading_return_path(stored);
  return out;
}

std::string vacation_reply(const sieve::Action& a, std::string_view user, std::string_view original,
                           const mime::Message& parsed, const std::string& hostname, std::int64_t now) {
  std::string m;
  // §5.4: From is :from, else the user's address that the message was sent to.
  std::string from = one_line(a.from.empty() ? (a.recipient.empty() ? user : a.recipient) : a.from);
  if (from.find('<') == std::string::npos) from = "<" + from + ">";
  m += "From: " + from + "\r\n";
  m += "To: <" + one_line(a.address) + ">\r\n";  // §5.2: the original's envelope sender
  m += "Subject: " + encode_phrase(a.subject) + "\r\n";  // §5.3
  m += "Date: " + date_field(now) + "\r\n";
  m += "Message-ID: " + message_id(hostname) + "\r\n";
  // §5.6, RFC 3834 §3.1.5: In-Reply-To and References point at the original.
  if (!a.reply_to_message_id.empty()) {
    std::string mid = one_line(a.reply_to_message_id);
    m += "In-Reply-To: " + mid + "\r\n";
    auto refs = field(original, parsed, "References");
    if (!refs) refs = field(original, parsed, "In-Reply-To");
    m += "References: " + (refs && !refs->empty() ? *refs + " " : std::string()) + mid + "\r\n";
  }
  m += "Auto-Submitted: auto-replied (vacation)\r\n";  // §5.7, RFC 3834 §5
  m += "Precedence: bulk\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += a.mime ? mime_part(a.reason) : text_part(a.reason);
  return m;
}

std::string rejection_notice(const sieve::Action& a, std::string_view envelope_from, std::string_view recipient,
                             std::string_view original, const mime::Message& parsed, const std::string& hostname,
                             std::int64_t now) {
  const bool mdn = a.kind == sieve::Action::Kind::Reject;
  const std::string boundary = "=_postamt_" + random_hex(10);
  std::string subject = mime::decode_words(mime::header_value(original, parsed.root, "Subject").value_or(""));
  std::string m;
  m += "From: Mail Delivery System <MAILER-DAEMON@" + hostname + ">\r\n";
  m += "To: <" + one_line(envelope_from) + ">\r\n";
  m += "Subject: " + encode_phrase((mdn ? "Rejected: " : "Undelivered: ") + subject) + "\r\n";
  m += "Date: " + date_field(now) + "\r\n";
  m += "Message-ID: " + message_id(hostname) + "\r\n";
  if (auto mid = field(original, parsed, "Message-ID")) m += "In-Reply-To: " + *mid + "\r\n";
  m += "Auto-Submitted: auto-replied (rejected)\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: multipart/report; report-type=" +
       std::string(mdn ? "disposition-notification" : "delivery-status") + "; boundary=\"" + boundary + "\"\r\n\r\n";
  m += "This is a MIME-encapsulated report.\r\n\r\n--" + boundary + "\r\n";
  // RFC 5429 §2.1.2 / §2.2.1: the human part carries the reason and says a filter refused the message.
  m += text_part("Your message to <" + one_line(recipient) +
                 "> was refused by the recipient's mail filtering program.\nThe reason given is as follows:\n\n" +
                 normalize_crlf(a.reason));
  m += "\r\n--" + boundary + "\r\n";
  if (mdn) {
    // RFC 8098 §3.1 fields; RFC 5429 §2.2.1: disposition "deleted", automatic-action/MDN-sent-automatically.
    m += "Content-Type: message/disposition-notification\r\n\r\n";
    m += "Reporting-UA: " + hostname + "; postamt\r\n";
    m += "Final-Recipient: rfc822; " + one_line(recipient) + "\r\n";
    if (auto mid = field(original, parsed, "Message-ID")) m += "Original-Message-ID: " + *mid + "\r\n";
    m += "Disposition: automatic-action/MDN-sent-automatically; deleted\r\n";
  } else {
    // RFC 3464 §2.2 per-message and §2.3 per-recipient fields; RFC 5429 §2.1.2: Action "failed".
    auto lines = protocol_reason(a);
    m += "Content-Type: message/delivery-status\r\n\r\n";
    m += "Reporting-MTA: dns; " + hostname + "\r\n";
    m += "Arrival-Date: " + date_field(now) + "\r\n\r\n";
    m += "Final-Recipient: rfc822; " + one_line(recipient) + "\r\n";
    m += "Action: failed\r\nStatus: 5.7.1\r\n";
    m += "Diagnostic-Code: smtp; 550 5.7.1 " + one_line(lines ? lines->substr(0, lines->find('\n')) : "") + "\r\n";
  }
  m += "\r\n--" + boundary + "\r\n";
  m += returned_part(original, parsed);
  m += "\r\n--" + boundary + "--\r\n";
  return m;
}

std::optional<std::string> protocol_reason(const sieve::Action& a) {
  constexpr std::size_t kMaxLines = 10, kMaxLine = 400;
  const std::string fixed = "Message refused by the recipient's mail filter";
  auto lines = reason_lines(a.reason);
  if (!is_ascii(a.reason)) {
    if (a.kind == sieve::Action::Kind::Reject) return std::nullopt;  // §2.2 condition 1
    return fixed;                                                      // §2.1.1
  }
  std::string out;
  for (std::size_t i = 0; i < lines.size() && i < kMaxLines; ++i) {
    if (i) out += '\n';
    out += lines[i].substr(0, kMaxLine);
  }
  return out.empty() ? fixed : out;
}

}  // namespace postamt::delivery
