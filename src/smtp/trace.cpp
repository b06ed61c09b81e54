// Received: trace field formatting (RFC 5321 §4.4, RFC 3848, RFC 6531 §3.7.3, RFC 5322 §3.3 dates);
// stripping our own Authentication-Results fields from incoming mail (RFC 8601 §5).
#include "smtp/trace.hpp"

#include <openssl/rand.h>

#include <cstdio>
#include <stdexcept>

#include "common/strings.hpp"
#include "mailauth/auth_results.hpp"

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

std::size_t strip_authentication_results(std::string& message, std::string_view authserv_id) {
  constexpr std::string_view kName = "authentication-results";
  std::size_t removed = 0;
  std::size_t pos = 0;
  std::string out;
  out.reserve(message.size());
  // One field at a time: its first line and every continuation line (starting with SP or HTAB,
  // RFC 5322 §2.2.3), until the empty line that ends the header section.
  while (pos < message.size()) {
    if (message[pos] == '\r' || message[pos] == '\n') break;  // the empty line: the body follows
    std::size_t end = pos;
    do {
      std::size_t nl = message.find('\n', end);
      end = nl == std::string::npos ? message.size() : nl + 1;
    } while (end < message.size() && (message[end] == ' ' || message[end] == '\t'));
    std::string_view field(message.data() + pos, end - pos);
    auto colon = field.find(':');
    bool ours = false;
    if (colon != std::string_view::npos) {
      std::string_view name = str::trim(field.substr(0, colon));
      ours = str::iequals(name, kName) && mailauth::names_authserv_id(field.substr(colon + 1), authserv_id);
    }
    if (ours) {
      ++removed;
    } else {
      out.append(field);
    }
    pos = end;
  }
  if (removed == 0) return 0;
  out.append(message, pos, std::string::npos);
  message = std::move(out);
  return removed;
}

std::string new_message_id() {
  unsigned char random[8] = {};
  if (RAND_bytes(random, sizeof random) != 1) throw std::runtime_error("RAND_bytes failed");
  return str::hex(std::string_view(reinterpret_cast<const char*>(random), sizeof random));
}

}  // namespace postamt::smtp
