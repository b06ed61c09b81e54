// postamt queue list|show|flush|delete|hold|release -c FILE [ID]: the outbound queue (docs/queue.md),
// like Postfix's mailq/postqueue/postsuper. A running `serve` picks flushed/released entries up at its
// next scan (within a second).
#include <sysexits.h>

#include <cstdio>
#include <ctime>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/config_loader.hpp"
#include "queue/dsn.hpp"
#include "queue/store.hpp"

namespace postamt::cli {
namespace {

std::string when(std::int64_t t) { return t ? queue::rfc5322_date(t) : std::string("now"); }

void print_message(const queue::MessageInfo& m, bool verbose) {
  std::printf("%s %s size=%llu created=\"%s\"%s%s from=<%s>\n", m.id.c_str(), m.held ? "held" : "active",
              static_cast<unsigned long long>(m.size), queue::rfc5322_date(m.created).c_str(),
              m.bounce ? " bounce" : "", m.smtputf8 ? " smtputf8" : "", m.sender.c_str());
  if (verbose) {
    if (!m.envid.empty()) std::printf("  envid=%s\n", m.envid.c_str());
    if (!m.ret.empty()) std::printf("  ret=%s\n", m.ret.c_str());
    if (!m.body.empty()) std::printf("  body=%s\n", m.body.c_str());
  }
  for (const auto& r : m.recipients) {
    std::printf("  to=<%s> state=%s attempts=%d", r.address.c_str(), queue::to_string(r.state), r.attempts);
    if (r.state == queue::RcptState::Pending) std::printf(" next=\"%s\"", when(r.next_attempt).c_str());
    if (verbose && !r.notify.empty()) std::printf(" notify=%s", r.notify.c_str());
    if (verbose && !r.orcpt.empty()) std::printf(" orcpt=%s", r.orcpt.c_str());
    if (!r.last_reply.empty()) std::printf(" last=\"%s\"", r.last_reply.c_str());
    std::printf("\n");
  }
}

}  // namespace

int cmd_queue(const Argv& argv) {
  Args args(argv, {{"-c"}, {}});
  const auto& pos = args.positional();
  if (pos.empty()) throw UsageError("expected a subcommand: list, show, flush, delete, hold, release");
  const std::string& sub = pos[0];
  bool needs_id = sub == "show" || sub == "delete" || sub == "hold" || sub == "release";
  if (sub != "list" && sub != "flush" && !needs_id) throw UsageError("unknown subcommand '" + sub + "'");
  if (needs_id && pos.size() != 2) throw UsageError("queue " + sub + " needs one queue id");
  if (!needs_id && pos.size() > (sub == "flush" ? 2u : 1u)) throw UsageError("unexpected argument '" + pos.back() + "'");
  auto cfg = load_config_or_report(args.required("-c"), "queue");
  if (!cfg) return EX_CONFIG;
  queue::QueueStore store(cfg->data_dir / "queue");
  auto unknown = [&](const std::string& id) {
    std::fprintf(stderr, "postamt queue: no queued message %s\n", id.c_str());
    return EX_DATAERR;
  };
  if (sub == "list") {
    auto all = store.list();
    for (const auto& m : all) print_message(m, false);
    std::printf("%zu message%s in the queue\n", all.size(), all.size() == 1 ? "" : "s");
    return EX_OK;
  }
  if (sub == "show") {
    auto m = store.get(pos[1]);
    if (!m) return unknown(pos[1]);
    print_message(*m, true);
    return EX_OK;
  }
  if (sub == "flush") {
    std::string id = pos.size() == 2 ? pos[1] : std::string();
    if (!id.empty() && !store.get(id)) return unknown(id);
    int n = store.flush(id);
    std::printf("%d recipient%s due now\n", n, n == 1 ? "" : "s");
    return EX_OK;
  }
  if (sub == "delete") return store.remove(pos[1]) ? (std::printf("deleted %s\n", pos[1].c_str()), EX_OK) : unknown(pos[1]);
  bool hold = sub == "hold";
  if (!store.set_held(pos[1], hold)) return unknown(pos[1]);
  std::printf("%s %s\n", hold ? "held" : "released", pos[1].c_str());
  return EX_OK;
}

}  // namespace postamt::cli
