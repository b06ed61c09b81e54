// One outbound SMTP delivery attempt to one host (RFC 5321 §3, §4): greeting, EHLO (HELO when EHLO is
// refused), STARTTLS (RFC 3207) per TLS policy, AUTH PLAIN for a smarthost (RFC 4954), then MAIL,
// RCPT (pipelined when offered, RFC 2920) and DATA, with a result per recipient. The RFCs' rules for
// a peer lacking an extension: SIZE (RFC 1870), 8BITMIME (RFC 6152 §3: no 8-bit data to a 7-bit peer),
// SMTPUTF8 (RFC 6531 §3.4), DSN parameters passed on only when offered (RFC 3461 §4).
#pragma once
#include <boost/asio/ssl/context.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "smtp/client/reply.hpp"

namespace postamt::smtp::client {

// none: never STARTTLS. may: STARTTLS when offered, no verification (opportunistic, RFC 3207 §4).
// encrypt: STARTTLS required, no verification. verify: STARTTLS required, chain and name verified.
enum class TlsPolicy { None, May, Encrypt, Verify };
std::optional<TlsPolicy> parse_tls_policy(std::string_view s);
const char* to_string(TlsPolicy p);

struct RecipientSpec {
  std::string address;
  std::string notify;  // "" or "NEVER" / "SUCCESS,FAILURE,DELAY" (sent only when the peer offers DSN)
  std::string orcpt;   // "" or "rfc822;addr" (decoded; xtext-encoded on the wire)
};

struct Envelope {
  std::string sender;  // "" = <>
  std::vector<RecipientSpec> recipients;
  std::string envid;  // DSN ENVID
  std::string ret;    // "", FULL, HDRS
  bool smtputf8 = false;
};

struct Options {
  std::string helo_name;
  std::uint16_t port = 25;
  TlsPolicy tls = TlsPolicy::May;
  boost::asio::ssl::context* tls_context = nullptr;  // needed unless tls == None
  std::string verify_name;                           // the name the certificate must match (Verify)
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};  // RFC 5321 §4.5.3.2 (simplified)
  std::optional<std::pair<std::string, std::string>> auth;   // smarthost user, password (AUTH PLAIN)
  const std::atomic<bool>* cancel = nullptr;  // set to abort the attempt (server shutdown)
};

struct RecipientResult {
  ServerReply reply;  // the RCPT reply, or the final reply of DATA for accepted recipients
};

struct Attempt {
  // Connection-level outcome. When `connected` is false or `session_reply` is negative, no recipient
  // was tried: `session_reply` (or `error`) applies to all of them.
  bool connected = false;
  std::string error;           // network / TLS error text
  ServerReply session_reply;   // a negative greeting, EHLO, STARTTLS, AUTH or MAIL reply
  bool permanent = false;      // the session-level failure is permanent (5xx, policy)
  std::vector<RecipientResult> recipients;  // one per envelope recipient when a transaction ran
  std::string tls_version, tls_cipher;
  bool tls_verified = false;
  bool dsn = false;  // the peer offered DSN, so it took over success/failure notices (RFC 3461 §5.2)
};

class Connection;
struct Extensions;

// One SMTP connection that can carry several transactions (connection reuse, RFC 5321 §3.3: a new
// MAIL after the end of the previous transaction or after RSET).
class Session {
 public:
  explicit Session(Options options);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Connect, greeting, EHLO/HELO, STARTTLS per policy, AUTH. False on failure, described in `at`
  // (connected, error, session_reply, permanent) along with the TLS facts.
  bool open(const std::string& address, Attempt& at);
  // One transaction; fills at.recipients (one per envelope recipient) or at.session_reply/error.
  void send(const Envelope& envelope, std::string_view message, Attempt& at);
  // Whether another transaction may follow on this connection.
  bool usable() const { return usable_; }
  std::size_t transactions() const { return transactions_; }
  // QUIT (best effort) and close.
  void close();

 private:
  Options options_;
  std::unique_ptr<Connection> connection_;
  std::unique_ptr<Extensions> ext_;
  bool esmtp_ = false;
  bool usable_ = false;
  std::size_t transactions_ = 0;
  std::string tls_version_, tls_cipher_;
  bool tls_verified_ = false;
};

// Delivers `message` (CRLF lines, unstuffed) to address:port over a new connection. Never throws for
// network or protocol problems: everything is in the Attempt.
Attempt deliver(const std::string& address, const Options& options, const Envelope& envelope,
                std::string_view message);

}  // namespace postamt::smtp::client
