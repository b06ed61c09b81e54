// AUTHORIZATION-state login commands: USER/PASS (RFC 1939 §7), APOP (RFC 1939 §7) and AUTH
// (RFC 5034 §4, SASL RFC 4422). Passwords only over TLS (RFC 2595 §2, DESIGN.md): before STLS,
// USER/PASS and plaintext SASL mechanisms get the cleartext refusal with the [AUTH] code (RFC 3206).
#include <algorithm>
#include <optional>
#include <string>

#include "common/offload.hpp"
#include "common/strings.hpp"
#include "directory/apop_secrets.hpp"
#include "pop3/commands.hpp"
#include "pop3/protocol/apop.hpp"
#include "pop3/protocol/response.hpp"
#include "pop3/session.hpp"
#include "sasl/sasl.hpp"
#include "services/services.hpp"

namespace postamt::pop3 {
namespace {

void require_tls(Session& s) {
  if (!s.secure()) throw Err{std::string(kCleartextRefusal), protocol::resp_code::kAuth};
}

struct Found {
  std::int64_t id = 0;
  std::string address;
  std::optional<std::string> apop_secret;
};

// The directory user named `address` (and, when asked, their APOP secret), looked up off the I/O thread.
asio::awaitable<std::optional<Found>> find_user(Session& s, const std::string& address, bool with_apop_secret) {
  co_return co_await offload([&s, &address, with_apop_secret] {
    return s.services().with_directory([&](directory::Directory& d) -> std::optional<Found> {
      auto user = d.find_user(address);
      if (!user) return std::nullopt;
      Found f{user->id, user->address, std::nullopt};
      if (with_apop_secret) f.apop_secret = directory::apop_secret(d.database(), user->id);
      return f;
    });
  });
}

}  // namespace

asio::awaitable<void> cmd_user(Session& s, const Command& c) {
  require_tls(s);
  s.pending_user() = c.name;
  // The same answer for every name: USER does not reveal which mailboxes exist.
  s.send(protocol::ok("Send your password"));
  co_return;
}

asio::awaitable<void> cmd_pass(Session& s, const Command& c) {
  require_tls(s);
  if (!s.pending_user()) throw Err{"Send USER first"};
  std::string name = std::move(*s.pending_user());
  s.pending_user().reset();
  std::string password = c.secret;
  auto user = co_await offload([&s, &name, &password] { return s.services().authenticate(name, password); });
  if (!user) co_await s.fail_auth(name, "USER", "bad credentials");
  s.services().relay_grants().grant(s.remote_ip());  // POP-before-SMTP, when enabled
  co_await s.open_maildrop(user->id, user->address, "USER");
}

asio::awaitable<void> cmd_apop(Session& s, const Command& c) {
  // APOP sends no password, so it is allowed before TLS; it is offered only when some user has an
  // APOP secret (the greeting then carries the timestamp).
  if (s.apop_timestamp().empty()) throw Err{"APOP is not enabled on this server"};
  auto user = co_await find_user(s, c.name, true);
  if (!user || !user->apop_secret) co_await s.fail_auth(c.name, "APOP", user ? "no APOP secret" : "no such user");
  if (!protocol::apop_verify(s.apop_timestamp(), *user->apop_secret, c.digest))
    co_await s.fail_auth(c.name, "APOP", "bad digest");
  s.services().relay_grants().grant(s.remote_ip());  // POP-before-SMTP, when enabled
  co_await s.open_maildrop(user->id, user->address, "APOP");
}

asio::awaitable<void> cmd_auth(Session& s, const Command& c) {
  auto offered = sasl::mechanisms(s.secure());
  if (c.mechanism.empty()) {
    // Bare AUTH lists the mechanisms (RFC 1734 style, which older clients still send).
    s.send(protocol::multiline("", offered));
    co_return;
  }
  if (std::find(offered.begin(), offered.end(), c.mechanism) == offered.end()) {
    if (sasl::is_plaintext(c.mechanism) && !s.secure()) require_tls(s);
    throw Err{"Unsupported authentication mechanism"};
  }
  auto mech = sasl::create(c.mechanism, s.services().credentials());
  if (!mech) throw Err{"Unsupported authentication mechanism"};
  const std::string method = "AUTH=" + c.mechanism;

  std::optional<std::string> initial;
  if (c.initial_response) {
    auto decoded = sasl::decode_initial_response(c.initial_response->empty() ? "=" : *c.initial_response);
    if (decoded.kind != sasl::ClientResponse::Kind::Data) throw Err{"Invalid initial response: " + decoded.error};
    initial = std::move(decoded.data);
  }
  auto step = co_await offload([&mech, &initial] {
    return mech->start(initial ? std::optional<std::string_view>(*initial) : std::nullopt);
  });
  while (step.state == sasl::Step::State::Continue) {
    s.send(protocol::continuation(sasl::base64_encode(step.challenge)));
    auto response = sasl::decode_response(co_await s.read_response_line());
    if (response.kind == sasl::ClientResponse::Kind::Abort) throw Err{"Authentication cancelled"};
    // RFC 5034 §4: a response that is not base64 rejects the AUTH command.
    if (response.kind == sasl::ClientResponse::Kind::Invalid) throw Err{"Invalid response: " + response.error};
    std::string data = std::move(response.data);
    step = co_await offload([&mech, &data] { return mech->step(data); });
  }
  if (step.state == sasl::Step::State::Success && !step.challenge.empty()) {
    // RFC 5034 §4: POP3 has no "additional data with success"; send it as a challenge and expect an
    // empty response before +OK (RFC 4422 §3.6).
    s.send(protocol::continuation(sasl::base64_encode(step.challenge)));
    auto response = sasl::decode_response(co_await s.read_response_line());
    if (response.kind == sasl::ClientResponse::Kind::Abort) throw Err{"Authentication cancelled"};
    if (response.kind != sasl::ClientResponse::Kind::Data || !response.data.empty())
      step = sasl::Step{sasl::Step::State::Failure, {}, "non-empty response after server-final"};
  }
  if (step.state != sasl::Step::State::Success) co_await s.fail_auth(mech->authcid(), method, step.error);
  auto user = co_await find_user(s, mech->authzid(), false);
  if (!user) co_await s.fail_auth(mech->authzid(), method, "no such user");
  s.services().relay_grants().grant(s.remote_ip());  // POP-before-SMTP, when enabled
  co_await s.open_maildrop(user->id, user->address, method);
}

}  // namespace postamt::pop3
