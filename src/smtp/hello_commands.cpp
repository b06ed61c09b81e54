// EHLO / HELO (RFC 5321 §4.1.1.1) and LHLO (RFC 2033 §4.1) with the extension list, STARTTLS
// (RFC 3207 §4), RSET, NOOP, QUIT, VRFY and HELP (RFC 5321 §4.1.1.5-§4.1.1.10).
#include <string>
#include <vector>

#include "sasl/sasl.hpp"
#include "smtp/commands.hpp"
#include "smtp/session.hpp"

namespace postamt::smtp {

asio::awaitable<void> cmd_ehlo(Session& s, const Command& c) {
  if (c.argument.empty()) throw Reply{501, "5.5.4", "Syntax: " + std::string(protocol::verb_name(c.verb)) + " hostname"};
  bool esmtp = c.verb != protocol::Verb::Helo;
  s.set_helo(c.argument, esmtp);  // RFC 5321 §4.1.4: EHLO also resets the transaction
  std::string greeting = s.hostname() + " Hello " + c.argument;
  if (!esmtp) {
    s.reply(250, "", greeting);
    co_return;
  }
  std::vector<std::string> lines{greeting};
  lines.emplace_back("PIPELINING");                                        // RFC 2920
  lines.emplace_back("SIZE " + std::to_string(s.max_message_size()));     // RFC 1870
  lines.emplace_back("8BITMIME");                                          // RFC 6152
  lines.emplace_back("SMTPUTF8");                                          // RFC 6531
  lines.emplace_back("ENHANCEDSTATUSCODES");                               // RFC 2034
  lines.emplace_back("CHUNKING");                                          // RFC 3030
  lines.emplace_back("DSN");                                               // RFC 3461
  if (s.conn().can_start_tls()) lines.emplace_back("STARTTLS");           // RFC 3207
  // DESIGN.md: no password before TLS, so no mechanism at all is offered before it; AUTH only on
  // submission (the MX port takes mail for us, not from our users).
  if (s.mode() == Mode::Submission && s.secure() && !s.auth()) {
    std::string auth = "AUTH";
    for (const auto& m : sasl::mechanisms(true)) auth += " " + m;
    lines.push_back(auth);
  }
  s.send_raw(protocol::format_reply(250, "", lines));
  co_return;
}

asio::awaitable<void> cmd_starttls(Session& s, const Command&) {
  if (s.secure()) throw Reply{503, "5.5.1", "TLS already active"};
  if (!s.conn().can_start_tls()) throw Reply{454, "4.7.0", "TLS not available"};
  if (s.transaction()) throw Reply{503, "5.5.1", "STARTTLS not allowed inside a mail transaction"};
  s.reply(220, "2.0.0", "Ready to start TLS");
  co_await s.flush();
  // Discards plaintext pipelined after STARTTLS (CVE-2011-0411), then handshakes.
  co_await s.conn().start_tls();
  s.reset_after_tls();  // RFC 3207 §4.2: forget everything learned before TLS, including EHLO
}

asio::awaitable<void> cmd_rset(Session& s, const Command&) {
  s.reset_transaction();
  s.reply(250, "2.0.0", "OK");
  co_return;
}

asio::awaitable<void> cmd_noop(Session& s, const Command&) {
  s.reply(250, "2.0.0", "OK");
  co_return;
}

asio::awaitable<void> cmd_quit(Session& s, const Command&) {
  s.reply(221, "2.0.0", s.hostname() + " closing connection");
  s.end();
  co_return;
}

asio::awaitable<void> cmd_vrfy(Session& s, const Command&) {
  // RFC 5321 §3.5.3: 252 when the server will not verify (no address harvesting).
  s.reply(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery");
  co_return;
}

asio::awaitable<void> cmd_help(Session& s, const Command&) {
  s.reply(214, "2.0.0",
          s.lmtp() ? "Commands: LHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS\nSee RFC 2033"
                   : "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH\nSee RFC 5321");
  co_return;
}

}  // namespace postamt::smtp
