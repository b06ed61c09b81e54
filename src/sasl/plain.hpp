// The PLAIN mechanism, server side (RFC 4616): one client message "[authzid] NUL authcid NUL passwd".
#pragma once
#include "sasl/mechanism.hpp"

namespace postamt::sasl {

class Plain final : public Mechanism {
 public:
  explicit Plain(CredentialStore& store) : store_(store) {}
  Step start(std::optional<std::string_view> initial_response) override;
  Step step(std::string_view response) override;
  std::string authcid() const override { return authcid_; }
  std::string authzid() const override { return authzid_.empty() ? authcid_ : authzid_; }
  std::string_view name() const override { return "PLAIN"; }

 private:
  Step finish(std::string_view message);

  enum class Phase { Start, AwaitMessage, Done };
  CredentialStore& store_;
  Phase phase_ = Phase::Start;
  std::string authcid_, authzid_;
};

}  // namespace postamt::sasl
