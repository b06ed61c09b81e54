// postamt deliver -c FILE --to ADDR [--to ADDR...] [--from ADDR] [--mailbox NAME]: local delivery
// agent. Reads one RFC 5322 message on stdin and delivers it through the inbound pipeline.
// Exit codes follow sysexits.h so any MTA can use it: 0 delivered (durably), 67 unknown user,
// 65 not a message, 69 too big, 75 temporary failure (try again), 77 rejected by the user's Sieve
// script (reason on stderr; as dovecot-lda -e does: the MTA bounces with it), 78 bad config.
// Mail delivery sets off (Sieve redirect, vacation, rejection notices, remote alias targets) goes
// into the queue at DATA/queue; a running server's queue runner sends it.
#include <sysexits.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/config_loader.hpp"
#include "common/log.hpp"
#include "delivery/message_input.hpp"
#include "delivery/pipeline.hpp"
#include "directory/directory.hpp"
#include "queue/dkim_signing.hpp"
#include "queue/store.hpp"
#include "store/sqlite_store.hpp"

namespace postamt::cli {
namespace {
// Reads stdin up to `limit` + 1 bytes; more than `limit` means too big (the rest is not read).
bool read_stdin(std::string& out, std::uint64_t limit) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("cannot read the message from standard input");
    }
    if (n == 0) return true;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > limit) return false;
  }
}

int exit_code(delivery::Status s) {
  switch (s) {
    case delivery::Status::Delivered: return EX_OK;
    case delivery::Status::UnknownUser:
    case delivery::Status::NotLocal: return EX_NOUSER;
    case delivery::Status::TooBig: return EX_UNAVAILABLE;
    case delivery::Status::BadMessage: return EX_DATAERR;
    case delivery::Status::TempFailure:
    case delivery::Status::OverQuota: return EX_TEMPFAIL;
    case delivery::Status::OverQuotaPermanent: return EX_CANTCREAT;  // as dovecot-lda for a full mailbox
    case delivery::Status::Rejected: return EX_NOPERM;
  }
  return EX_SOFTWARE;
}
queue::NewMessage queued(const delivery::Outgoing& o) {
  queue::NewMessage m;
  m.sender = o.sender;
  for (const auto& r : o.recipients) m.recipients.push_back({r, {}, {}});
  m.bounce = o.notice;
  if (o.eight_bit()) m.body = "8BITMIME";
  return m;
}
}  // namespace

int cmd_deliver(const Argv& argv) {
  Args args(argv, {{"-c", "--to", "--from", "--mailbox"}, {}});
  auto recipients = args.all("--to");
  if (recipients.empty()) throw UsageError("missing --to");
  auto cfg = load_config_or_report(args.required("-c"), "deliver");
  if (!cfg) return EX_CONFIG;

  delivery::Request request;
  request.recipients = recipients;
  auto from = args.get("--from");
  request.mailbox = args.get("--mailbox");

  std::string message;
  bool complete = read_stdin(message, cfg->max_message_size);
  if (!complete) {
    std::fprintf(stderr, "postamt deliver: message exceeds max_message_size (%llu bytes)\n",
                 static_cast<unsigned long long>(cfg->max_message_size));
    return EX_UNAVAILABLE;
  }
  // Without --from: the message's own Return-Path, else MAILER-DAEMON (as dovecot-lda does).
  request.envelope_from = from ? *from : delivery::leading_return_path(message).value_or("MAILER-DAEMON");
  try {
    auto dir = directory::Directory::open(cfg->data_dir);
    auto store = store::open_sqlite_store(cfg->data_dir, store::store_options(*cfg));
    delivery::Options options;
    options.over_quota_permanent = cfg->quota.permanent;
    options.max_message_size = cfg->max_message_size;
    options.default_mailbox = cfg->default_mailbox;
    options.recipient_delimiter = cfg->recipient_delimiter;
    options.data_dir = cfg->data_dir;
    options.hostname = cfg->hostname;
    options.sieve = cfg->sieve;
    std::unique_ptr<queue::QueueStore> outbound;  // opened when something is to be queued
    options.enqueue = [&outbound, &cfg](const delivery::Outgoing& o) {
      if (!outbound) outbound = std::make_unique<queue::QueueStore>(cfg->data_dir / "queue");
      std::string message = o.message;
      if (o.authored())
        queue::sign_for_queue(cfg->mailauth.dkim_sign ? cfg->data_dir / "dkim" : std::filesystem::path(), message, o.kind);
      return outbound->enqueue(queued(o), message);
    };
    request.reject_reply = delivery::RejectReply::IfAllRefuse;
    delivery::Pipeline pipeline(dir, *store, options);
    auto result = pipeline.deliver(request, message);
    int code = EX_OK;
    for (const auto& r : result.recipients) {
      if (r.status == delivery::Status::Delivered) {
        log::info("delivered", {{"to", r.recipient}, {"mailbox", r.mailbox}, {"uid", r.uid}, {"size", result.size}});
        continue;
      }
      std::fprintf(stderr, "postamt deliver: %s: %s\n", r.recipient.c_str(), r.reason.c_str());
      int c = exit_code(r.status);
      if (code == EX_OK || c == EX_TEMPFAIL) code = c;  // a temporary failure makes the MTA retry
    }
    return code;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "postamt deliver: temporary failure: %s\n", e.what());
    return EX_TEMPFAIL;
  }
}

}  // namespace postamt::cli
