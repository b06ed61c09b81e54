// AUTHENTICATE (RFC 5804 §2.1, SASL RFC 4422 with the initial response), STARTTLS (§2.2) and
// UNAUTHENTICATE (§2.14.1). No password crosses an unencrypted connection (DESIGN.md): before TLS the
// SASL capability is empty and AUTHENTICATE is answered NO (ENCRYPT-NEEDED) naming STARTTLS.
#include <algorithm>
#include <optional>
#include <string>

#include "common/offload.hpp"
#include "common/strings.hpp"
#include "managesieve/commands.hpp"
#include "managesieve/response.hpp"
#include "managesieve/session.hpp"
#include "sasl/sasl.hpp"
#include "services/account_lookup.hpp"
#include "services/services.hpp"
#include "store/sieve_scripts.hpp"

namespace postamt::managesieve {
namespace {

constexpr std::string_view kAuthUsage = "AUTHENTICATE <mechanism> [<initial response>]";

// Whether the account's index (where its scripts live) exists; opening it also migrates it.
asio::awaitable<bool> account_ready(Session& s, std::int64_t account) {
  co_return co_await offload([&s, account] {
    try {
      store::SieveScripts scripts(s.conn().config.data_dir, account);
      return true;
    } catch (const store::NoSuchAccount&) {
      return false;
    }
  });
}

}  // namespace

asio::awaitable<void> cmd_authenticate(Session& s, const Command& c) {
  expect_arguments(c, 1, 2, kAuthUsage);
  const std::string mechanism = str::to_upper(string_argument(c, 0, kAuthUsage));
  if (c.args.size() == 2) string_argument(c, 1, kAuthUsage);
  if (!s.secure()) {
    s.log().info("auth_refused", {{"mechanism", mechanism}, {"reason", "no TLS"}});
    throw No{std::string(kTlsRequired), code::kEncryptNeeded};
  }
  auto offered = sasl::mechanisms(true);
  if (std::find(offered.begin(), offered.end(), mechanism) == offered.end())
    throw No{"Unsupported authentication mechanism " + mechanism.substr(0, 64)};
  auto mech = sasl::create(mechanism, s.services().credentials());
  if (!mech) throw No{"Unsupported authentication mechanism " + mechanism.substr(0, 64)};
  const std::string method = "AUTHENTICATE " + mechanism;

  std::optional<std::string> initial;
  if (c.args.size() == 2) {
    // §2.1: the initial response is a base64 string; "" is an empty response.
    const std::string& ir = c.args[1].text;
    auto decoded = sasl::decode_initial_response(ir.empty() ? "=" : ir);
    if (decoded.kind != sasl::ClientResponse::Kind::Data) throw No{"Invalid initial response: " + decoded.error};
    initial = std::move(decoded.data);
  }
  auto step = co_await offload([&mech, &initial] {
    return mech->start(initial ? std::optional<std::string_view>(*initial) : std::nullopt);
  });
  while (step.state == sasl::Step::State::Continue) {
    // §2.1: a challenge is a string holding base64; the response is a string, "*" cancels.
    s.send(string_token(sasl::base64_encode(step.challenge)) + "\r\n");
    std::string line = co_await s.read_sasl_response();
    auto response = sasl::decode_response(line);
    if (response.kind == sasl::ClientResponse::Kind::Abort) throw No{"Authentication cancelled"};
    if (response.kind == sasl::ClientResponse::Kind::Invalid) throw No{"Invalid response: " + response.error};
    std::string data = std::move(response.data);
    step = co_await offload([&mech, &data] { return mech->step(data); });
  }
  if (step.state != sasl::Step::State::Success) co_await s.fail_auth(mech->authcid(), method, step.error);
  auto user = co_await services::find_account(s.services(), mech->authzid());
  if (!user) co_await s.fail_auth(mech->authzid(), method, "no such user");
  const bool ready = co_await account_ready(s, user->id);
  if (!ready) {
    s.log().error("login_failed", {{"user", user->address}, {"error", "the account has no index"}});
    throw No{"This account has no mail store; contact the administrator.", code::kTryLater};
  }
  s.login(user->id, user->address, method);
  // §2.1: the mechanism's final server data rides in the SASL response code of the OK; no security
  // layer is negotiated, so the capabilities are not re-issued.
  if (!step.challenge.empty())
    s.send(ok("Logged in", "SASL " + string_token(sasl::base64_encode(step.challenge))));
  else
    s.send(ok("Logged in"));
}

asio::awaitable<void> cmd_starttls(Session& s, const Command& c) {
  expect_arguments(c, 0, 0, "STARTTLS");
  if (s.secure()) throw No{"TLS is already active"};
  if (!s.conn().can_start_tls()) throw No{"TLS is not available"};
  s.send(ok("Begin TLS negotiation now"));
  co_await s.flush();
  // Discards plaintext pipelined after STARTTLS (CVE-2011-0411), then handshakes; nothing learned
  // before TLS is kept (the session is still non-authenticated and holds no other state).
  co_await s.conn().start_tls();
  // §2.2: after the handshake the server re-issues the capabilities (now without STARTTLS), then OK.
  s.send(s.capabilities());
  s.send(ok("TLS negotiation successful"));
}

asio::awaitable<void> cmd_unauthenticate(Session& s, const Command& c) {
  expect_arguments(c, 0, 0, "UNAUTHENTICATE");
  s.logout_user();
  s.send(ok("Unauthenticated"));
  co_return;
}

}  // namespace postamt::managesieve
