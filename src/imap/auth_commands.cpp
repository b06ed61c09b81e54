// Not-authenticated commands: STARTTLS (RFC 9051 §6.2.1), AUTHENTICATE with SASL-IR (RFC 9051 §6.2.2,
// RFC 4959) and LOGIN (RFC 9051 §6.2.3). Passwords only over TLS (LOGINDISABLED, DESIGN.md).
#include <algorithm>
#include <optional>
#include <string>

#include "common/offload.hpp"
#include "imap/commands.hpp"
#include "sasl/sasl.hpp"
#include "services/account_lookup.hpp"
#include "services/services.hpp"

namespace postamt::imap {

asio::awaitable<void> cmd_starttls(Session& s, const std::string& tag, const Command&) {
  if (s.secure()) throw Bad{"TLS is already active"};
  if (!s.conn().can_start_tls()) throw No{"TLS is not available"};
  s.send(tag + " OK Begin TLS negotiation now\r\n");
  co_await s.flush();
  // Discards plaintext pipelined after STARTTLS (CVE-2011-0411), then handshakes.
  co_await s.conn().start_tls();
  s.reset_after_tls();
  s.mark_replied();  // the tagged reply went out before the handshake
}

asio::awaitable<void> cmd_login(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::Login>(c);
  // RFC 9051 §6.2.3: with LOGINDISABLED advertised the server answers NO.
  if (!s.secure()) throw No{std::string(kCleartextRefusal), "PRIVACYREQUIRED"};
  std::string name = cmd.user, password = cmd.password;
  auto user = co_await offload([&s, &name, &password] { return s.services().authenticate(name, password); });
  if (!user) co_await s.fail_auth(name, "LOGIN", "bad credentials");
  s.services().relay_grants().grant(s.remote_ip());  // POP-before-SMTP, when enabled
  s.login(user->id, user->address, "LOGIN");
}

asio::awaitable<void> cmd_authenticate(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::Authenticate>(c);
  auto offered = sasl::mechanisms(s.secure());
  if (std::find(offered.begin(), offered.end(), cmd.mechanism) == offered.end()) {
    if (sasl::is_plaintext(cmd.mechanism) && !s.secure())
      throw No{std::string(kCleartextRefusal), "PRIVACYREQUIRED"};
    throw No{"Unsupported authentication mechanism", "CANNOT"};
  }
  auto mech = sasl::create(cmd.mechanism, s.services().credentials());
  if (!mech) throw No{"Unsupported authentication mechanism", "CANNOT"};
  const std::string method = "AUTHENTICATE=" + cmd.mechanism;

  std::optional<std::string> initial;
  if (cmd.initial_response) {
    auto decoded = sasl::decode_initial_response(cmd.initial_response->empty() ? "=" : *cmd.initial_response);
    if (decoded.kind != sasl::ClientResponse::Kind::Data) throw Bad{"Invalid initial response: " + decoded.error};
    initial = std::move(decoded.data);
  }
  auto step = co_await offload([&mech, &initial] {
    return mech->start(initial ? std::optional<std::string_view>(*initial) : std::nullopt);
  });
  while (step.state == sasl::Step::State::Continue) {
    s.send("+ " + sasl::base64_encode(step.challenge) + "\r\n");
    auto response = sasl::decode_response(co_await s.read_line());
    // RFC 9051 §6.2.2: "*" cancels with BAD; a response that is not base64 also gets BAD.
    if (response.kind == sasl::ClientResponse::Kind::Abort) throw Bad{"Authentication cancelled"};
    if (response.kind == sasl::ClientResponse::Kind::Invalid) throw Bad{"Invalid response: " + response.error};
    std::string data = std::move(response.data);
    step = co_await offload([&mech, &data] { return mech->step(data); });
  }
  if (step.state == sasl::Step::State::Success && !step.challenge.empty()) {
    // RFC 9051 §6.2.2 / RFC 4422 §3.6: additional data with success goes in one more challenge.
    s.send("+ " + sasl::base64_encode(step.challenge) + "\r\n");
    auto response = sasl::decode_response(co_await s.read_line());
    if (response.kind == sasl::ClientResponse::Kind::Abort) throw Bad{"Authentication cancelled"};
    if (response.kind != sasl::ClientResponse::Kind::Data || !response.data.empty())
      step = sasl::Step{sasl::Step::State::Failure, {}, "non-empty response after server-final"};
  }
  if (step.state != sasl::Step::State::Success) co_await s.fail_auth(mech->authcid(), method, step.error);
  auto user = co_await services::find_account(s.services(), mech->authzid());
  if (!user) co_await s.fail_auth(mech->authzid(), method, "no such user");
  s.services().relay_grants().grant(s.remote_ip());  // POP-before-SMTP, when enabled
  s.login(user->id, user->address, method);
}

}  // namespace postamt::imap
