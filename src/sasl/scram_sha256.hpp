// The SCRAM-SHA-256 mechanism, server side (RFC 5802 §5 and §7, RFC 7677), without channel binding:
// gs2 flags "n" and "y" are accepted, "p=" is refused (SCRAM-SHA-256-PLUS is not offered).
#pragma once
#include "sasl/mechanism.hpp"

namespace postamt::sasl {

class ScramSha256 final : public Mechanism {
 public:
  // `server_nonce` is a test hook (RFC 7677 §3 vector): when non-empty it replaces the random server
  // nonce part; it must be printable ASCII without ',' (RFC 5802 §7 "printable"), else
  // std::invalid_argument. Production code passes nothing.
  explicit ScramSha256(CredentialStore& store, std::string server_nonce = {});
  Step start(std::optional<std::string_view> initial_response) override;
  Step step(std::string_view response) override;
  std::string authcid() const override { return username_; }
  std::string authzid() const override { return authzid_.empty() ? username_ : authzid_; }
  std::string_view name() const override { return "SCRAM-SHA-256"; }

 private:
  Step client_first(std::string_view message);
  Step client_final(std::string_view message);

  enum class Phase { Start, AwaitClientFirst, AwaitClientFinal, Done };
  CredentialStore& store_;
  std::string server_nonce_;
  Phase phase_ = Phase::Start;
  std::string gs2_header_, client_first_bare_, server_first_, nonce_;
  std::string username_, authzid_;
  ScramCredentials credentials_;
  // False when the user is unknown or has no SCRAM secret: the exchange runs on with made-up
  // credentials and fails at the proof, so the server-first message does not reveal existence.
  bool real_user_ = false;
};

}  // namespace postamt::sasl
