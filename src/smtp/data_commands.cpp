// DATA (RFC 5321 §4.1.1.4, §4.5.2 dot-stuffing, strict CRLF against SMTP smuggling) and BDAT
// (RFC 3030 §2), and the end of a message: size and From: checks, the Received: field (RFC 5321
// §4.4), one delivery for all local recipients and the reply — one per recipient for LMTP (RFC 2033
// §4.2), one in all for SMTP, 250 only after the store said Delivered (it fsyncs). On the MX port:
// SPF/DKIM/DMARC and Authentication-Results (RFC 8601) with the DMARC disposition (RFC 7489 §6.6);
// mail that goes out through the queue is DKIM-signed for our domains (RFC 6376 §5).
#include <algorithm>
#include <chrono>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/offload.hpp"
#include "common/strings.hpp"
#include "dns/ares_resolver.hpp"
#include "mailauth/authenticate.hpp"
#include "mailauth/dns_adapter.hpp"
#include "net/errors.hpp"
#include "queue/dkim_signing.hpp"
#include "queue/runner.hpp"
#include "services/services.hpp"
#include "smtp/commands.hpp"
#include "smtp/delivery_replies.hpp"
#include "smtp/policy.hpp"
#include "smtp/protocol/data_reader.hpp"
#include "smtp/protocol/limits.hpp"
#include "smtp/session.hpp"
#include "smtp/trace.hpp"

namespace postamt::smtp {
namespace {

using Clock = std::chrono::steady_clock;

queue::NewMessage queued_message(const Transaction& t);

// BDAT bytes are read in pieces of this size (and discarded when the message is already refused).
constexpr std::size_t kBdatPiece = 1 << 20;

// Restores the command-phase timeout and line limit when the data phase ends, however it ends.
struct DataPhase {
  Session& s;
  std::chrono::milliseconds timeout;
  std::size_t max_line;
  explicit DataPhase(Session& session)
      : s(session), timeout(session.conn().transport.timeout()), max_line(session.conn().reader.max_line_length()) {
    s.conn().transport.set_timeout(kDataBlockTimeout);  // RFC 5321 §4.5.3.2.6
  }
  ~DataPhase() {
    s.conn().transport.set_timeout(timeout);
    s.conn().reader.set_max_line_length(max_line);
  }
};

// Answers the whole transaction with one reply: once for SMTP, once per accepted recipient for LMTP.
void reply_all(Session& s, const Transaction& t, const Reply& r) {
  if (!s.lmtp()) {
    s.reply(r);
    return;
  }
  for (const auto& rcpt : t.recipients) {
    Reply each = r;
    each.text = "<" + rcpt.address + "> " + r.text;
    s.reply(each);
  }
}

// Mail authentication waits on DNS for up to kAuthBudget: it runs on a pool of its own so such waits
// never hold the storage workers of offload() (DESIGN.md "Nothing blocks an I/O thread").
constexpr std::chrono::seconds kAuthBudget{20};  // RFC 7208 §4.6.4 suggests at least 20 s for SPF

boost::asio::thread_pool& mailauth_pool() {
  static boost::asio::thread_pool pool(8);
  return pool;
}

template <class F>
asio::awaitable<std::invoke_result_t<F&>> on_mailauth_pool(F fn) {
  using R = std::invoke_result_t<F&>;
  auto result = co_await asio::co_spawn(mailauth_pool().get_executor(), detail::run_value<F, R>(std::move(fn)),
                                        asio::use_awaitable);
  co_return std::move(*result);
}

// What the MX port learned about a message (RFC 8601): the field to prepend and what DMARC asks.
struct InboundAuth {
  std::string header;
  mailauth::dmarc::Policy disposition = mailauth::dmarc::Policy::None;
  bool temporary = false;  // a DKIM or SPF check failed for DNS trouble: a DMARC fail may be wrong
  std::string summary;  // "dkim=pass spf=pass dmarc=pass" for the log
};

InboundAuth authenticate_inbound(const config::Config& cfg, const std::string& raw,
                                 const mailauth::AuthenticationRequest& req) {
  dns::ResolverOptions ro;
  ro.servers = cfg.queue.resolvers;
  ro.timeout = std::chrono::milliseconds(cfg.queue.dns_timeout_ms);
  mailauth::DnsAdapter resolver(std::make_shared<dns::AresResolver>(ro), Clock::now() + kAuthBudget);
  auto report = mailauth::authenticate(raw, req, resolver);
  InboundAuth out;
  out.header = report.header;
  out.disposition = report.disposition();
  out.temporary = report.spf.result == mailauth::spf::Result::TempError;
  for (const auto& v : report.dkim) out.temporary |= v.result == mailauth::dkim::Result::TempError;
  std::string dkim = report.dkim.empty() ? "none" : "";
  for (const auto& v : report.dkim) dkim += (dkim.empty() ? "" : ",") + std::string(mailauth::dkim::to_string(v.result));
  out.summary = "dkim=" + dkim + " spf=" + mailauth::spf::to_string(report.spf.result) +
                " dmarc=" + mailauth::dmarc::to_string(report.dmarc.result);
  return out;
}

void check_transaction(Session& s, bool bdat) {
  auto& t = s.transaction();
  if (!t) throw Reply{503, "5.5.1", "Need MAIL command first"};
  if (!bdat && t->bdat) throw Reply{503, "5.5.1", "DATA not allowed after BDAT"};
  if (t->recipients.empty()) throw Reply{554, "5.5.1", "No valid recipients"};  // RFC 5321 §3.3
}

// The end of a message: submission's From: check, then delivery of the local recipients.
asio::awaitable<void> finish(Session& s, Transaction t, std::string raw) {
  const std::string id = new_message_id();
  if (s.mode() == Mode::Submission) {
    // RFC 6409 §6.1: the author must be the authenticated user (own address or one of their aliases).
    auto from = from_header_addresses(raw);
    auto user_id = s.auth()->id;
    char delimiter = s.conn().config.recipient_delimiter;
    std::string bad = co_await offload([&s, &from, user_id, delimiter] {
      return s.services().with_directory([&](directory::Directory& d) -> std::string {
        if (from.empty()) return "(none)";
        for (const auto& a : from)
          if (!owns_address(d, user_id, a, delimiter)) return a;
        return {};
      });
    });
    if (!bad.empty()) {
      s.log().info("rejected", {{"id", id}, {"reason", "from_not_owned"}, {"from", bad}, {"user", s.auth()->address}});
      reply_all(s, t, Reply{553, "5.7.1", "From: header address <" + bad + "> not owned by " + s.auth()->address});
      co_return;
    }
  }

  delivery::Request request;
  request.envelope_from = t.from.null ? std::string() : t.from.str();
  const auto& cfg = s.conn().config;
  std::string auth_header;
  if (s.mode() == Mode::Mx && cfg.mailauth.inbound) {
    // RFC 8601 §5: a field claiming our authserv-id cannot come from outside; ours replaces it.
    if (std::size_t n = strip_authentication_results(raw, s.hostname()))
      s.log().info("authentication_results_removed", {{"id", id}, {"count", n}});
    // Clients we relay for are ours: an authenticated session, or a transaction with remote recipients
    // (only a client with relay permission gets those accepted). Their mail is not checked.
    bool relays = s.auth().has_value() ||
                  std::any_of(t.recipients.begin(), t.recipients.end(), [](const auto& r) { return !r.local; });
    if (!relays) {
      mailauth::AuthenticationRequest req;
      req.authserv_id = s.hostname();
      req.smtp.ip = s.remote_ip();
      req.smtp.mail_from = request.envelope_from;
      req.smtp.helo = s.helo().value_or("");
      req.smtp.receiver = s.hostname();
      InboundAuth result;
      try {
        // Captures by reference only: GCC 12 mishandles lambdas with captured objects in coroutine frames.
        result = co_await on_mailauth_pool([&cfg, &raw, &req] { return authenticate_inbound(cfg, raw, req); });
      } catch (const std::exception& e) {
        s.log().error("mailauth_failed", {{"id", id}, {"error", e.what()}});
      }
      auth_header = result.header;
      using P = mailauth::dmarc::Policy;
      P disposition = result.disposition;
      if (cfg.mailauth.dmarc_enforce == "none") disposition = P::None;
      if (disposition == P::Reject && cfg.mailauth.dmarc_enforce == "quarantine-only") disposition = P::Quarantine;
      s.log().info("mailauth", {{"id", id}, {"result", result.summary},
                                {"action", disposition == P::Reject ? "reject" : disposition == P::Quarantine ? "quarantine" : "none"}});
      if (disposition == P::Reject && result.temporary) {
        // RFC 7489 §6.6.2: a check that failed for DNS trouble may pass later; defer, do not refuse.
        reply_all(s, t, Reply{451, "4.7.5", "DMARC check failed temporarily (DNS), try again later"});
        co_return;
      }
      if (disposition == P::Reject) {
        // RFC 7489 §6.6.4 / §10.3: the rejection names DMARC.
        reply_all(s, t, Reply{550, "5.7.1", "Message rejected by the DMARC policy of the From domain"});
        co_return;
      }
      if (disposition == P::Quarantine) request.mailbox = cfg.mailauth.junk_mailbox;
    }
  }
  std::set<std::string> seen;
  queue::NewMessage queued = queued_message(t);
  // RFC 5429 §2.1.2: Sieve rejects per recipient over LMTP; over SMTP in the reply only when no other
  // recipient takes the message (one already queued for a remote recipient does).
  request.reject_reply = s.lmtp() ? delivery::RejectReply::PerRecipient
                         : queued.recipients.empty() ? delivery::RejectReply::IfAllRefuse
                                                     : delivery::RejectReply::Never;
  for (const auto& r : t.recipients)
    if (r.local && seen.insert(str::to_lower(r.address)).second) request.recipients.push_back(r.address);
  TraceInfo trace;
  trace.helo = s.helo().value_or("");
  trace.remote_ip = s.remote_ip();
  trace.hostname = s.hostname();
  trace.protocol = with_keyword(s.lmtp(), s.esmtp(), s.secure(), s.auth().has_value(), t.params.smtputf8);
  trace.id = id;
  trace.tls_version = s.conn().transport.tls_version();
  trace.tls_cipher = s.conn().transport.tls_cipher();
  if (s.auth()) trace.auth_user = s.auth()->address;
  if (t.recipients.size() == 1) trace.recipient = t.recipients.front().address;
  trace.time = std::time(nullptr);
  request.trace_header = auth_header + received_field(trace);

  // Remote recipients: into the durable queue first; 250 only once it is on disk (docs/queue.md).
  std::string queue_id;
  if (!queued.recipients.empty()) {
    auto* store = queue::shared_store();
    try {
      if (!store) throw std::runtime_error("no outbound queue");
      std::string bytes = request.trace_header + raw;
      std::filesystem::path dkim_dir = cfg.mailauth.dkim_sign ? cfg.data_dir / "dkim" : std::filesystem::path();
      queue::DkimSigning signing;
      queue_id = co_await offload([store, &queued, &bytes, &dkim_dir, &signing] {
        // Signed once, here, so every attempt and every MX host sees the same signature.
        if (!dkim_dir.empty()) {
          signing = queue::dkim_sign(dkim_dir, bytes);
          bytes.insert(0, signing.fields);
        }
        return store->enqueue(queued, bytes);
      });
      for (const auto& e : signing.errors) s.log().error("dkim_sign_failed", {{"id", id}, {"error", e}});
      if (!signing.selectors.empty()) {
        std::string selectors;
        for (const auto& sel : signing.selectors) selectors += (selectors.empty() ? "" : ",") + sel;
        s.log().info("dkim_signed", {{"id", id}, {"domain", signing.domain}, {"selectors", selectors}});
      }
      if (auto* runner = queue::shared_runner()) runner->wake();
    } catch (const std::exception& e) {
      s.log().error("queue_failed", {{"id", id}, {"error", e.what()}});
      reply_all(s, t, Reply{451, "4.3.0", "Temporary failure, try again later"});
      co_return;
    }
    s.log().info("queued", {{"id", id}, {"queue_id", queue_id}, {"from", queued.sender},
                            {"recipients", queued.recipients.size()}, {"size", raw.size()}});
    if (request.recipients.empty()) {
      s.reply(250, "2.0.0", "Message accepted, id " + id + " queued as " + queue_id);
      co_return;
    }
  }

  auto started = Clock::now();
  delivery::Result result;
  try {
    result = co_await offload([&s, &request, &raw] { return s.services().deliver(request, raw); });
  } catch (const std::exception& e) {
    s.log().error("delivery_failed", {{"id", id}, {"error", e.what()}});
    reply_all(s, t, Reply{451, "4.3.0", "Temporary failure, try again later"});
    co_return;
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  std::size_t delivered = 0;
  for (const auto& r : result.recipients) {
    if (r.status == delivery::Status::Delivered) {
      ++delivered;
    } else {
      s.log().info("recipient_failed", {{"id", id}, {"to", r.recipient}, {"status", delivery::to_string(r.status)},
                                        {"reason", r.reason}});
    }
  }
  s.log().info("message", {{"id", id}, {"from", request.envelope_from}, {"recipients", request.recipients.size()},
                           {"delivered", delivered}, {"size", raw.size()}, {"ms", static_cast<std::int64_t>(ms)},
                           {"user", s.auth() ? s.auth()->address : std::string()}});
  if (s.lmtp()) {
    // RFC 2033 §4.2: one reply per successful RCPT, in order (duplicates share their result).
    for (const auto& rcpt : t.recipients) {
      auto it = std::find_if(result.recipients.begin(), result.recipients.end(),
                             [&](const delivery::RecipientResult& r) { return str::iequals(r.recipient, rcpt.address); });
      if (it == result.recipients.end()) {
        s.reply(451, "4.3.0", "<" + rcpt.address + "> Temporary failure, try again later");
      } else {
        s.reply(recipient_reply(*it, id));
      }
    }
    co_return;
  }
  Reply summary = summary_reply(result.recipients, id);
  if (summary.positive() && delivered != result.recipients.size())
    s.log().error("recipients_lost_after_accept", {{"id", id}, {"count", result.recipients.size() - delivered}});
  s.reply(summary);
}

// The queue entry for the transaction's remote recipients, with the DSN parameters (RFC 3461 §4).
queue::NewMessage queued_message(const Transaction& t) {
  queue::NewMessage m;
  m.sender = t.from.null ? std::string() : t.from.str();
  m.envid = t.params.envid.value_or("");
  m.ret = t.params.ret == protocol::Ret::Full ? "FULL" : t.params.ret == protocol::Ret::Hdrs ? "HDRS" : "";
  m.body = t.params.body == protocol::Body::EightBitMime ? "8BITMIME" : t.params.body == protocol::Body::SevenBit ? "7BIT" : "";
  m.smtputf8 = t.params.smtputf8;
  std::set<std::string> seen;
  for (const auto& r : t.recipients) {
    if (r.local || !seen.insert(str::to_lower(r.address)).second) continue;
    queue::NewRecipient q;
    q.address = r.address;
    if (r.notify) {
      if (r.notify->never) {
        q.notify = "NEVER";
      } else {
        for (auto [on, name] : {std::pair{r.notify->success, "SUCCESS"}, {r.notify->failure, "FAILURE"}, {r.notify->delay, "DELAY"}})
          if (on) q.notify += (q.notify.empty() ? "" : ",") + std::string(name);
      }
    }
    if (r.orcpt) q.orcpt = r.orcpt->addr_type + ";" + r.orcpt->address;
    m.recipients.push_back(std::move(q));
  }
  return m;
}

}  // namespace

asio::awaitable<void> cmd_data(Session& s, const Command&) {
  check_transaction(s, false);
  s.reply(354, "", "End data with <CR><LF>.<CR><LF>");
  co_await s.flush();
  Transaction t = std::move(*s.transaction());
  s.reset_transaction();  // RFC 5321 §4.1.1.4: the transaction ends with the reply to the data

  std::string message;
  protocol::DataReader reader(s.max_message_size());
  bool long_line = false;
  {
    DataPhase phase(s);
    s.conn().reader.set_max_line_length(std::max<std::size_t>(s.conn().config.max_line_length, 1000));
    auto deadline = Clock::now() + kDataTotalTimeout;  // RFC 5321 §4.5.3.2.6
    std::string chunk;
    while (!reader.done()) {
      std::string line;
      try {
        line = co_await s.conn().reader.read_line();
      } catch (const net::LineTooLong&) {
        long_line = true;  // RFC 5321 §4.5.3.1.6; the rest of the line is skipped by the next read
        continue;
      }
      if (Clock::now() > deadline) {
        s.end();
        throw Reply{421, "4.4.2", s.hostname() + " Data transfer took too long, closing connection"};
      }
      // The reader reports exactly which terminator ended the line, so the bytes are rebuilt as sent.
      line += s.conn().reader.last_line_crlf() ? "\r\n" : "\n";
      reader.feed(line, message);
    }
  }
  if (reader.bare_line_ending_seen()) {
    // SMTP smuggling (the 2023 "<LF>.<CR><LF>" family): refused, never normalised (docs/smtp.md).
    s.log().info("rejected", {{"reason", "bare_line_ending"}, {"bare_lf", reader.bare_lf_seen() ? 1 : 0},
                              {"bare_cr", reader.bare_cr_seen() ? 1 : 0}});
    reply_all(s, t, Reply{550, "5.6.11", "bare LF/CR not allowed; lines must end with CRLF"});
    co_return;
  }
  if (reader.too_big()) {
    reply_all(s, t, Reply{552, "5.3.4", "Message size exceeds fixed maximum message size"});
    co_return;
  }
  if (long_line) {
    reply_all(s, t, Reply{500, "5.5.2", "Line too long"});
    co_return;
  }
  co_await finish(s, std::move(t), std::move(message));
}

asio::awaitable<void> cmd_bdat(Session& s, const Command& c) {
  // RFC 3030 §2: the chunk is read whatever the answer will be, or its bytes would be taken as commands.
  const std::uint64_t max = s.max_message_size();
  if (c.chunk_size > max + kBdatPiece) {
    s.end();
    throw Reply{552, "5.3.4", "Chunk exceeds the maximum message size, closing connection"};
  }
  auto& t = s.transaction();
  bool keep = t && !t->recipients.empty() && !t->chunks_too_big;
  {
    DataPhase phase(s);
    std::uint64_t left = c.chunk_size;
    while (left > 0) {
      std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, kBdatPiece));
      std::string piece = co_await s.conn().reader.read_exact(n);
      left -= n;
      if (keep && t->chunks.size() + piece.size() > max) {
        t->chunks_too_big = true;
        t->chunks.clear();
        keep = false;
      }
      if (keep) t->chunks += piece;
    }
  }
  try {
    check_transaction(s, true);
  } catch (const Reply&) {
    s.reset_transaction();  // RFC 3030 §2: a failed chunk ends the transaction
    throw;
  }
  t->bdat = true;
  if (t->chunks_too_big) {
    Transaction done = std::move(*t);
    s.reset_transaction();
    reply_all(s, done, Reply{552, "5.3.4", "Message size exceeds fixed maximum message size"});
    co_return;
  }
  if (!c.last) {
    s.reply(250, "2.0.0", std::to_string(c.chunk_size) + " octets received");
    co_return;
  }
  Transaction done = std::move(*t);
  s.reset_transaction();
  std::string raw = std::move(done.chunks);
  co_await finish(s, std::move(done), std::move(raw));
}

}  // namespace postamt::smtp
