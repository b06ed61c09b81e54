// AUTH (RFC 4954 §4, SASL RFC 4422) on submission: only after TLS (DESIGN.md; RFC 4954 §4 538 5.7.11),
// once per session, outside a transaction; failures throttled per IP and per user (services::AuthThrottle).
#include <algorithm>
#include <optional>
#include <string>

#include "common/offload.hpp"
#include "sasl/sasl.hpp"
#include "services/services.hpp"
#include "smtp/commands.hpp"
#include "smtp/session.hpp"

namespace postamt::smtp {
namespace {

// RFC 4954 §4: "*" cancels with 501; a response that is not base64 is refused with 501 too.
sasl::ClientResponse read_client_response(const sasl::ClientResponse& r) {
  if (r.kind == sasl::ClientResponse::Kind::Abort) throw Reply{501, "5.0.0", "Authentication cancelled"};
  if (r.kind == sasl::ClientResponse::Kind::Invalid) throw Reply{501, "5.5.2", "Invalid response: " + r.error};
  return r;
}

asio::awaitable<void> fail(Session& s, const std::string& user, const std::string& method, const std::string& reason) {
  auto delay = services::record_auth_failure(s.services().throttle(), s.log(), s.remote_ip(), user, method, reason);
  co_await s.flush();
  co_await s.sleep(delay);
  if (s.auth_failed()) {
    s.end();
    throw Reply{421, "4.7.0", s.hostname() + " Too many failed authentications, closing connection"};
  }
  throw Reply{535, "5.7.8", "Authentication credentials invalid"};  // RFC 4954 §6
}

}  // namespace

asio::awaitable<void> cmd_auth(Session& s, const Command& c) {
  if (s.mode() != Mode::Submission)
    throw Reply{503, "5.5.1", "AUTH is not available on this port; use submission (port 587 or 465)"};
  if (!s.secure()) throw Reply{538, "5.7.11", "Encryption required for requested authentication mechanism"};
  if (!s.helo()) throw Reply{503, "5.5.1", "Send EHLO first"};
  if (s.auth()) throw Reply{503, "5.5.1", "Already authenticated"};  // RFC 4954 §4
  if (s.transaction()) throw Reply{503, "5.5.1", "AUTH not allowed during a mail transaction"};
  auto offered = sasl::mechanisms(true);
  if (std::find(offered.begin(), offered.end(), c.mechanism) == offered.end())
    throw Reply{504, "5.5.4", "Unrecognized authentication type"};
  auto mech = sasl::create(c.mechanism, s.services().credentials());
  if (!mech) throw Reply{504, "5.5.4", "Unrecognized authentication type"};
  const std::string method = "AUTH=" + c.mechanism;

  std::optional<std::string> initial;
  if (c.initial_response) {
    auto decoded = sasl::decode_initial_response(c.initial_response->empty() ? "=" : *c.initial_response);
    if (decoded.kind != sasl::ClientResponse::Kind::Data)
      throw Reply{501, "5.5.2", "Invalid initial response: " + decoded.error};
    initial = std::move(decoded.data);
  }
  auto step = co_await offload([&mech, &initial] {
    return mech->start(initial ? std::optional<std::string_view>(*initial) : std::nullopt);
  });
  while (step.state == sasl::Step::State::Continue) {
    s.reply(334, "", sasl::base64_encode(step.challenge));
    std::string data = read_client_response(sasl::decode_response(co_await s.read_response_line())).data;
    step = co_await offload([&mech, &data] { return mech->step(data); });
  }
  if (step.state == sasl::Step::State::Success && !step.challenge.empty()) {
    // RFC 4954 §4: additional data with success is sent as a 334 challenge; the client answers with an
    // empty line, then the server says 235 (RFC 4422 §3.6).
    s.reply(334, "", sasl::base64_encode(step.challenge));
    auto r = read_client_response(sasl::decode_response(co_await s.read_response_line()));
    if (!r.data.empty()) step = sasl::Step{sasl::Step::State::Failure, {}, "non-empty response after server-final"};
  }
  if (step.state != sasl::Step::State::Success) co_await fail(s, mech->authcid(), method, step.error);

  std::string authzid = mech->authzid();
  auto user = co_await offload([&s, &authzid] {
    return s.services().with_directory([&](directory::Directory& d) { return d.find_user(authzid); });
  });
  if (!user) co_await fail(s, authzid, method, "no such user");
  s.services().throttle().success(s.remote_ip(), user->address);
  s.set_auth(AuthUser{user->id, user->address});
  s.log().info("login", {{"user", user->address}, {"method", method}});
  s.reply(235, "2.7.0", "Authentication successful");
}

}  // namespace postamt::smtp
