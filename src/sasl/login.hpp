// The LOGIN mechanism, server side (draft-murchison-sasl-login-00): challenges "Username:" and
// "Password:", each answered with the bare value.
#pragma once
#include "sasl/mechanism.hpp"

namespace postamt::sasl {

class Login final : public Mechanism {
 public:
  explicit Login(CredentialStore& store) : store_(store) {}
  Step start(std::optional<std::string_view> initial_response) override;
  Step step(std::string_view response) override;
  std::string authcid() const override { return username_; }
  std::string authzid() const override { return username_; }
  std::string_view name() const override { return "LOGIN"; }

 private:
  Step take_username(std::string_view username);
  Step take_password(std::string_view password);

  enum class Phase { Start, AwaitUsername, AwaitPassword, Done };
  CredentialStore& store_;
  Phase phase_ = Phase::Start;
  std::string username_;
};

}  // namespace postamt::sasl
