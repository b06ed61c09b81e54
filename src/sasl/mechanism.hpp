// Server-side SASL (RFC 4422) mechanisms as byte-in/byte-out state machines: no I/O and no base64
// here; the protocol session decodes client responses, encodes challenges and handles "*" aborts.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postamt::sasl {

// Largest client response any mechanism accepts (decoded bytes); larger input fails the exchange.
inline constexpr std::size_t kMaxResponse = 8192;

// SCRAM-SHA-256 secrets of one user (RFC 5802 §3); every field holds raw bytes, not base64.
struct ScramCredentials {
  std::string salt;
  std::uint32_t iterations = 0;
  std::string stored_key, server_key;  // 32 bytes each for SHA-256
  bool operator==(const ScramCredentials&) const = default;
};

// What mechanisms need from the user directory; the session supplies an implementation backed by
// directory::Directory. Calls may block (password hashing): sessions run mechanisms via offload().
class CredentialStore {
 public:
  using ScramCredentials = sasl::ScramCredentials;
  virtual ~CredentialStore() = default;
  // PLAIN and LOGIN: true when `password` is the password of `authcid`.
  virtual bool verify_plain(std::string_view authcid, std::string_view password) = 0;
  // nullopt: unknown user or no SCRAM secret stored for them.
  virtual std::optional<ScramCredentials> scram_sha256(std::string_view authcid) = 0;
};

struct Step {
  enum class State { Continue, Success, Failure } state = State::Failure;
  // Raw bytes to send (the caller base64-encodes). With Continue: the next challenge. With Success:
  // RFC 4422 §3.6 "additional data with success" (SCRAM's server-final-message "v=..."); a protocol
  // that cannot carry it in its success reply sends it as one more challenge, expects an empty
  // response and only then reports success. Empty with Failure.
  std::string challenge;
  std::string error;  // reason for logs, never the password
};

class Mechanism {
 public:
  virtual ~Mechanism() = default;
  // First call. `initial_response` is the RFC 4422 §3.3 initial response when the client sent one
  // (an empty one, "=" in SMTP/IMAP, is an engaged empty string_view).
  virtual Step start(std::optional<std::string_view> initial_response) = 0;
  // Each later client response. After Success or Failure every call returns Failure.
  virtual Step step(std::string_view response) = 0;
  // Authentication identity (whose password was checked); meaningful after Success.
  virtual std::string authcid() const = 0;
  // Authorization identity: the one the client asked for, else authcid() (RFC 4616 §2: derived from
  // the authentication identity). Mechanisms only accept an authzid equal to the authcid.
  virtual std::string authzid() const = 0;
  virtual std::string_view name() const = 0;
};

// nullptr for an unknown name; names are case-insensitive. Does not check TLS: callers offer and
// accept only the names in mechanisms(tls_active).
std::unique_ptr<Mechanism> create(std::string_view name, CredentialStore& store);

// Mechanisms to advertise, strongest first: SCRAM-SHA-256 always; the plaintext ones (PLAIN, LOGIN)
// only on a TLS-protected connection (DESIGN.md: no password crosses an unencrypted connection).
std::vector<std::string> mechanisms(bool tls_active);

// True for mechanisms that send the password itself (PLAIN, LOGIN), case-insensitive.
bool is_plaintext(std::string_view name);

}  // namespace postamt::sasl
