// MAIL (RFC 5321 §4.1.1.2 with SIZE RFC 1870 §6, BODY RFC 6152, SMTPUTF8 RFC 6531, DSN RFC 3461 §4) and
// RCPT (RFC 5321 §4.1.1.3) with the relay policy: the MX takes mail only for local users and aliases
// (550 5.1.1 for unknown ones), foreign domains need relay permission (554 5.7.1), and submission
// requires TLS, AUTH and a sender address the user owns (RFC 6409 §4.3, §6.1: 553 5.7.1).
#include <string>

#include "common/offload.hpp"
#include "queue/runner.hpp"
#include "services/services.hpp"
#include "smtp/commands.hpp"
#include "smtp/policy.hpp"
#include "smtp/session.hpp"

namespace postamt::smtp {
namespace {

bool uses_esmtp_params(const protocol::MailParams& p) {
  return p.size || p.body != protocol::Body::Unspecified || p.smtputf8 || p.ret != protocol::Ret::Unspecified ||
         p.envid || p.auth;
}

enum class Verdict { Local, UnknownUser, Remote, NoPostmaster };

struct Lookup {
  Verdict verdict = Verdict::UnknownUser;
  std::string address;
};

}  // namespace

asio::awaitable<void> cmd_mail(Session& s, const Command& c) {
  if (!s.helo()) throw Reply{503, "5.5.1", s.lmtp() ? "Send LHLO first" : "Send EHLO/HELO first"};
  if (s.mode() == Mode::Submission) {
    // RFC 6409 §4.3 / RFC 4954 §6: submission needs an authenticated user, and DESIGN.md: TLS first.
    if (!s.secure()) throw Reply{530, "5.7.0", "Must issue a STARTTLS command first"};
    if (!s.auth()) throw Reply{530, "5.7.0", "Authentication required"};
  }
  if (s.transaction()) throw Reply{503, "5.5.1", "Nested MAIL command"};
  const auto& p = c.mail;
  if (!s.esmtp() && uses_esmtp_params(p)) throw Reply{555, "5.5.4", "MAIL parameters need EHLO"};
  if (p.body == protocol::Body::BinaryMime) throw Reply{555, "5.5.4", "BODY=BINARYMIME is not supported"};
  // RFC 1870 §6.1: refuse at MAIL when the announced size is over the limit.
  if (p.size && *p.size > s.max_message_size())
    throw Reply{552, "5.3.4", "Message size exceeds fixed maximum message size"};
  if (s.mode() == Mode::Submission) {
    if (c.path.null) throw Reply{553, "5.7.1", "Sender address <> not owned by " + s.auth()->address};
    std::string sender = c.path.mailbox.str();
    auto user_id = s.auth()->id;
    char delimiter = s.conn().config.recipient_delimiter;
    bool owned = protocol::has_relay_hack(c.path) ? false : co_await offload([&s, &sender, user_id, delimiter] {
      return s.services().with_directory(
          [&](directory::Directory& d) { return owns_address(d, user_id, sender, delimiter); });
    });
    if (!owned) throw Reply{553, "5.7.1", "Sender address <" + sender + "> not owned by " + s.auth()->address};
  }
  Transaction t;
  t.from = c.path;
  t.params = p;
  s.transaction() = std::move(t);
  s.log().debug("mail_from", {{"from", c.path.str()}, {"size", p.size ? *p.size : 0}});
  s.reply(250, "2.1.0", "Sender OK");
}

asio::awaitable<void> cmd_rcpt(Session& s, const Command& c) {
  auto& t = s.transaction();
  if (!t) throw Reply{503, "5.5.1", "Need MAIL command first"};
  if (t->bdat) throw Reply{503, "5.5.1", "RCPT not allowed after BDAT"};
  if (t->recipients.size() >= kMaxRecipients) throw Reply{452, "4.5.3", "Too many recipients"};  // RFC 5321 §4.5.3.1.10
  if ((c.rcpt.notify || c.rcpt.orcpt) && !s.esmtp()) throw Reply{555, "5.5.4", "RCPT parameters need EHLO"};
  // Source routes, "%" hacks, "!" paths and addresses inside quoted local parts never relay (RFC 5321
  // §3.6.1, Appendix C), whoever asks.
  if (protocol::has_relay_hack(c.path))
    throw Reply{554, "5.7.1", "<" + c.path.str() + ">: Relay access denied (source routes, % and ! addressing are not supported)"};

  Lookup lookup;
  const bool literal = c.path.mailbox.address_literal;
  if (!c.path.postmaster && literal) {
    lookup = {Verdict::Remote, c.path.mailbox.str()};
  } else {
    std::string rcpt = c.path.postmaster ? std::string() : c.path.mailbox.str();
    std::string domain = c.path.mailbox.domain;
    char delimiter = s.conn().config.recipient_delimiter;
    // By reference: GCC 12 miscompiles non-trivial by-value captures of lambdas handed to coroutines.
    lookup = co_await offload([&s, &rcpt, &domain, delimiter] {
      return s.services().with_directory([&](directory::Directory& d) -> Lookup {
        if (rcpt.empty()) {
          // RFC 5321 §4.5.1: <Postmaster> without a domain reaches postmaster of our first domain.
          auto domains = d.domains();
          if (domains.empty()) return {Verdict::NoPostmaster, "postmaster"};
          std::string pm = "postmaster@" + domains.front().name;
          auto r = d.resolve(pm, delimiter);
          return {r.status == directory::Resolution::Status::Local ? Verdict::Local : Verdict::NoPostmaster, pm};
        }
        if (!d.is_local_domain(domain)) return {Verdict::Remote, rcpt};
        auto r = d.resolve(rcpt, delimiter);
        return {r.status == directory::Resolution::Status::Local ? Verdict::Local : Verdict::UnknownUser, rcpt};
      });
    });
  }
  switch (lookup.verdict) {
    case Verdict::UnknownUser:
    case Verdict::NoPostmaster:
      throw Reply{550, "5.1.1", "<" + lookup.address + ">: Recipient address rejected: User unknown"};
    case Verdict::Remote: {
      const char* why = s.lmtp() ? nullptr : s.relay_reason();
      if (!why) throw Reply{554, "5.7.1", "<" + lookup.address + ">: Relay access denied"};
      // Without a running queue (tools, tests) the client keeps the message and retries.
      if (!queue::shared_store()) throw Reply{451, "4.3.0", "<" + lookup.address + ">: outbound delivery not available"};
      s.log().info("relay_permitted", {{"rcpt", lookup.address}, {"reason", why}});
      t->recipients.push_back(Recipient{lookup.address, false, c.rcpt.notify, c.rcpt.orcpt});
      s.reply(250, "2.1.5", "Recipient OK");
      co_return;
    }
    case Verdict::Local:
      break;
  }
  // Duplicates are kept here (LMTP answers each accepted RCPT, RFC 2033 §4.2); delivery stores once.
  t->recipients.push_back(Recipient{lookup.address, true, c.rcpt.notify, c.rcpt.orcpt});
  s.reply(250, "2.1.5", "Recipient OK");
}

}  // namespace postamt::smtp
