// CAPA (RFC 2449 §5-§6), QUIT with the UPDATE state (RFC 1939 §6) and STLS (RFC 2595 §4).
#include <string>
#include <vector>

#include "common/offload.hpp"
#include "pop3/commands.hpp"
#include "pop3/protocol/response.hpp"
#include "pop3/session.hpp"
#include "sasl/sasl.hpp"
#include "services/services.hpp"

namespace postamt::pop3 {

asio::awaitable<void> cmd_capa(Session& s, const Command&) {
  std::vector<std::string> caps = {"TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING"};
  if (s.state() == State::Authorization) {
    // Before TLS neither USER nor plaintext SASL mechanisms are offered (RFC 2595 §2, DESIGN.md).
    if (s.secure()) caps.emplace_back("USER");
    std::string sasl_line = "SASL";
    for (const auto& m : sasl::mechanisms(s.secure())) sasl_line += " " + m;
    if (sasl_line != "SASL") caps.push_back(sasl_line);
    if (s.conn().can_start_tls()) caps.emplace_back("STLS");
  }
  caps.emplace_back("IMPLEMENTATION postamt");
  s.send(protocol::multiline("Capability list follows", caps));
  co_return;
}

asio::awaitable<void> cmd_quit(Session& s, const Command&) {
  s.end();
  if (s.state() == State::Authorization) {
    s.send(protocol::ok("postamt POP3 server signing off"));
    co_return;
  }
  // RFC 1939 §6: QUIT from TRANSACTION enters UPDATE and removes the messages marked deleted.
  s.enter_update();
  auto& m = s.maildrop();
  std::vector<std::uint32_t> uids = m.deleted_uids();
  bool failed = false;
  if (!uids.empty()) {
    try {
      co_await offload([&s, &uids, account = m.account()] {
        s.services().change_store([&](store::MailStore& st, store::Changes& changes) {
          st.expunge(account, "INBOX", uids, changes);
        });
      });
    } catch (const std::exception& e) {
      s.log().error("expunge_failed", {{"user", s.user()}, {"messages", uids.size()}, {"error", e.what()}});
      failed = true;
    }
  }
  s.log().info("logout", {{"user", s.user()}, {"deleted", failed ? 0 : uids.size()}, {"kept", m.live_count()}});
  if (failed) throw Err{"Some deleted messages not removed", protocol::resp_code::kSysTemp};
  std::string text = "postamt POP3 server signing off";
  text += m.live_count() == 0 ? " (maildrop empty)" : " (" + std::to_string(m.live_count()) + " messages left)";
  s.send(protocol::ok(text));
}

asio::awaitable<void> cmd_stls(Session& s, const Command&) {
  if (s.secure()) throw Err{"Already using TLS"};
  if (!s.conn().can_start_tls()) throw Err{"TLS is not available"};
  s.send(protocol::ok("Begin TLS negotiation"));
  co_await s.flush();
  // Discards plaintext pipelined after STLS (CVE-2011-0411), then handshakes.
  co_await s.conn().start_tls();
  s.reset_after_tls();  // RFC 2595 §4: forget what was learned before TLS
}

}  // namespace postamt::pop3
