// The Received: trace field an SMTP/LMTP server prepends to every message it accepts (RFC 5321 §4.4,
// with-protocol keywords RFC 3848 and RFC 6531 §3.7.3), with the TLS version and cipher and the
// authenticated user as comments, and the message id used in logs and replies; removal of incoming
// Authentication-Results fields that claim our authserv-id (RFC 8601 §5).
#pragma once
#include <cstddef>
#include <ctime>
#include <string>
#include <string_view>

namespace postamt::smtp {

struct TraceInfo {
  std::string helo;         // the client's HELO/EHLO/LHLO argument as sent
  std::string remote_ip;    // "192.0.2.1" or "2001:db8::1"
  std::string hostname;     // our name
  std::string protocol;     // with_keyword(...)
  std::string id;           // the message id (new_message_id())
  std::string tls_version;  // "" without TLS
  std::string tls_cipher;
  std::string auth_user;    // "" when not authenticated
  std::string recipient;    // "for <...>" only when the message has exactly one recipient, else ""
  std::time_t time = 0;
};

// "SMTP", "ESMTP", "ESMTPS", "ESMTPA", "ESMTPSA", "LMTP", "LMTPS", "LMTPA", "LMTPSA", "UTF8SMTPSA", ...
std::string with_keyword(bool lmtp, bool esmtp, bool tls, bool authenticated, bool smtputf8);

// The whole field, folded, ending in CRLF:
//   Received: from client.example (client.example [192.0.2.1])
//   \tby mx.example.org (postamt) with ESMTPSA id 0f1e2d3c4b5a6978
//   \t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384)
//   \t(authenticated as user@example.org)
//   \tfor <rcpt@example.org>; Tue, 2 Jan 2024 10:00:00 +0000
// Client-supplied text (the HELO name) is reduced to printable ASCII without parentheses or backslashes.
std::string received_field(const TraceInfo& info);

// RFC 5322 §3.3 date-time in local time with its numeric zone: "Tue, 2 Jan 2024 10:00:00 +0100".
std::string rfc5322_date(std::time_t time);

// Removes from the header section of `message` every Authentication-Results field whose authserv-id is
// ours (RFC 8601 §5: such a field arriving from outside is forged or stale); returns how many. The
// body and every other field are left byte for byte.
std::size_t strip_authentication_results(std::string& message, std::string_view authserv_id);

// 16 hex digits from a CSPRNG, unique enough to find a message in the logs.
std::string new_message_id();

}  // namespace postamt::smtp
