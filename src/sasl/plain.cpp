// PLAIN (RFC 4616 §2): parses the single client message, checks the NUL structure, UTF-8 and
// lengths, refuses proxy authorization and verifies the password through the CredentialStore.
#include "sasl/plain.hpp"

#include "common/strings.hpp"
#include "sasl/steps.hpp"
#include "sasl/utf8.hpp"

namespace postamt::sasl {

Step Plain::start(std::optional<std::string_view> initial_response) {
  if (phase_ != Phase::Start) {
    phase_ = Phase::Done;
    return failure("PLAIN: start called twice");
  }
  if (initial_response) return finish(*initial_response);
  // RFC 4616 §2 / RFC 4422 §5: without an initial response the server sends an empty challenge.
  phase_ = Phase::AwaitMessage;
  return more({});
}

Step Plain::step(std::string_view response) {
  if (phase_ != Phase::AwaitMessage) {
    phase_ = Phase::Done;
    return failure("PLAIN: exchange already finished");
  }
  return finish(response);
}

Step Plain::finish(std::string_view message) {
  phase_ = Phase::Done;
  if (message.size() > kMaxResponse) return failure("PLAIN: message too long");
  // message = [authzid] UTF8NUL authcid UTF8NUL passwd  (RFC 4616 §2)
  auto nul1 = message.find('\0');
  if (nul1 == std::string_view::npos) return failure("PLAIN: malformed message (no NUL separator)");
  auto nul2 = message.find('\0', nul1 + 1);
  if (nul2 == std::string_view::npos) return failure("PLAIN: malformed message (one NUL separator, two needed)");
  if (message.find('\0', nul2 + 1) != std::string_view::npos)
    return failure("PLAIN: malformed message (more than two NUL separators)");
  std::string_view authzid = message.substr(0, nul1);
  std::string_view authcid = message.substr(nul1 + 1, nul2 - nul1 - 1);
  std::string_view password = message.substr(nul2 + 1);
  // authcid and passwd are 1*SAFE: neither may be empty.
  if (authcid.empty()) return failure("PLAIN: empty authentication identity");
  if (password.empty()) return failure("PLAIN: empty password");
  if (authcid.size() > kMaxIdentity || authzid.size() > kMaxIdentity) return failure("PLAIN: identity too long");
  if (!valid_utf8(authzid) || !valid_utf8(authcid) || !valid_utf8(password))
    return failure("PLAIN: message is not valid UTF-8");
  authcid_ = std::string(authcid);
  authzid_ = std::string(authzid);
  // Acting as another user is not supported: an authzid must name the authcid itself (RFC 4616 §2:
  // the server verifies the credentials permit acting as authzid).
  if (!authzid.empty() && !str::iequals(authzid, authcid))
    return failure("PLAIN: authorization identity differs from authentication identity");
  if (!store_.verify_plain(authcid, password)) return failure("PLAIN: invalid credentials");
  return success();
}

}  // namespace postamt::sasl
