// Received: trace field formatting (RFC 5321 §4.4, RFC 3848, RFC 6531 §3.7.3, RFC 5322 §3.3 dates).
#include "smtp/trace.hpp"

#include <openssl/rand.h>

#include <cstdio>
#include <stdexcept>

#include "common/strings.hpp"

namespace postamt::smtp {
namespace {

// What may appear of client-supplied text inside the field: printable ASCII except the comment
// delimiters and the quoting character (RFC 5322 §3.2.2 ctext), at most 255 octets.
std::string clean(std::string_view text) {
  std::string out;
  for (unsigned char ch : text.substr(0, 255)) {
    bool ok = ch > 0x20 && ch < 0x7f && ch != '(' && ch != ')' && ch != '\\';
    out += ok ? static_cast<char>(ch) : '?';
  }
  return out.empty() ? std::string("unknown") : out;
}

}  // namespace

std::string with_keyword(bool lmtp, bool esmtp, bool tls, bool authenticated, bool smtputf8) {
  std::string k;
  if (lmtp) {
    k = "LMTP";  // RFC 3848 §2
  } else if (smtputf8) {
    k = "UTF8SMTP";  // RFC 6531 §3.7.3
  } else {
    k = esmtp ? "ESMTP" : "SMTP";
    if (!esmtp) return k;  // RFC 3848: the S/A suffixes exist only for the ESMTP family
  }
  if (tls) k += "S";
  if (authenticated) k += "A";
  return k;
}

std::string received_field(const TraceInfo& info) {
  std::string f = "Received: from " + clean(info.helo) + " (" + clean(info.helo) + " [" + clean(info.remote_ip) + "])\r\n";
  f += "\tby " + clean(info.hostname) + " (postamt) with " + info.protocol + " id " + info.id + "\r\n";
  if (!info.tls_version.empty())
    f += "\t(using " + clean(info.tls_version) + " with cipher " + clean(info.tls_cipher) + ")\r\n";
  if (!info.auth_user.empty()) f += "\t(authenticated as " + clean(info.auth_user) + ")\r\n";
  f += "\t";
  if (!info.recipient.empty()) f += "for <" + clean(info.recipient) + ">";
  f += "; " + rfc5322_date(info.time) + "\r\n";
  return f;
}

std::string rfc5322_date(std::time_t time) {
  std::tm tm{};
  localtime_r(&time, &tm);
  char date[64];
  std::strftime(date, sizeof date, "%a, %e %b %Y %H:%M:%S %z", &tm);
  std::string s = date;
  // %e pads single-digit days with a space; RFC 5322 §3.3 day = 1*2DIGIT.
  if (auto pos = s.find(",  "); pos != std::string::npos) s.erase(pos + 1, 1);
  return s;
}

std::string new_message_id() {
  unsigned char random[8] = {};
  if (RAND_bytes(random, sizeof random) != 1) throw std::runtime_error("RAND_bytes failed");
  return str::hex(std::string_view(reinterpret_cast<const char*>(random), sizeof random));
}

}  // namespace postamt::smtp
