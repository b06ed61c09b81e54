// LOGIN (draft-murchison-sasl-login-00 §2): server challenges "Username:" then "Password:". A client
// may send the user name as an initial response (RFC 4954 style "AUTH LOGIN <b64 user>"); the
// password challenge follows directly then.
#include "sasl/login.hpp"

#include "sasl/steps.hpp"
#include "sasl/utf8.hpp"

namespace postamt::sasl {
namespace {
constexpr std::string_view kUsernameChallenge = "Username:";
constexpr std::string_view kPasswordChallenge = "Password:";
}  // namespace

Step Login::start(std::optional<std::string_view> initial_response) {
  if (phase_ != Phase::Start) {
    phase_ = Phase::Done;
    return failure("LOGIN: start called twice");
  }
  // An empty initial response ("=") carries no user name: ask for it as if none had been sent.
  if (initial_response && !initial_response->empty()) return take_username(*initial_response);
  phase_ = Phase::AwaitUsername;
  return more(std::string(kUsernameChallenge));
}

Step Login::step(std::string_view response) {
  switch (phase_) {
    case Phase::AwaitUsername: return take_username(response);
    case Phase::AwaitPassword: return take_password(response);
    case Phase::Start:
    case Phase::Done: break;
  }
  phase_ = Phase::Done;
  return failure("LOGIN: unexpected response");
}

Step Login::take_username(std::string_view username) {
  if (username.empty()) {
    phase_ = Phase::Done;
    return failure("LOGIN: empty user name");
  }
  if (username.size() > kMaxIdentity || username.find('\0') != std::string_view::npos || !valid_utf8(username)) {
    phase_ = Phase::Done;
    return failure("LOGIN: malformed user name");
  }
  username_ = std::string(username);
  phase_ = Phase::AwaitPassword;
  return more(std::string(kPasswordChallenge));
}

Step Login::take_password(std::string_view password) {
  phase_ = Phase::Done;
  if (password.empty()) return failure("LOGIN: empty password");
  if (password.size() > kMaxResponse || password.find('\0') != std::string_view::npos || !valid_utf8(password))
    return failure("LOGIN: malformed password");
  if (!store_.verify_plain(username_, password)) return failure("LOGIN: invalid credentials");
  return success();
}

}  // namespace postamt::sasl
