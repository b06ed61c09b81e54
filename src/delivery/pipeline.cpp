// The inbound pipeline: size check, normalisation, refusal of non-mail, one MIME parse, recipient
// resolution, Sieve per account (RFC 5228), Return-Path (RFC 5321 §4.4), one durable store write for
// all local recipients, then the follow-ups through the outbound queue.
#include "delivery/pipeline.hpp"

#include <algorithm>
#include <ctime>
#include <map>
#include <set>

#include "common/log.hpp"
#include "common/strings.hpp"
#include "delivery/message_input.hpp"
#include "delivery/quota_warning.hpp"
#include "delivery/sieve_messages.hpp"
#include "delivery/sieve_run.hpp"
#include "directory/directory.hpp"
#include "store/mail_store.hpp"

namespace postamt::delivery {
namespace {

void fail_all(Result& result, const std::vector<std::string>& recipients, Status status, const std::string& reason) {
  for (const auto& r : recipients) result.recipients.push_back({r, status, reason, {}, 0});
}

std::string format_size(std::uint64_t bytes) {
  return std::to_string(bytes) + " bytes";
}

std::int64_t now_s() { return static_cast<std::int64_t>(std::time(nullptr)); }

void settle(Prepared& p, const std::vector<std::size_t>& indexes, Status status, const std::string& reason) {
  for (std::size_t i : indexes) {
    p.result.recipients[i].status = status;
    p.result.recipients[i].reason = reason;
  }
}

bool any_temporary(const Prepared& p) {
  return std::any_of(p.result.recipients.begin(), p.result.recipients.end(),
                     [](const RecipientResult& r) { return r.status == Status::TempFailure; });
}

bool all_delivered(const Prepared& p, const std::vector<std::size_t>& indexes) {
  return std::all_of(indexes.begin(), indexes.end(),
                     [&](std::size_t i) { return p.result.recipients[i].status == Status::Delivered; });
}

}  // namespace

Pipeline::Pipeline(directory::Directory& directory, store::MailStore& store, Options options)
    : directory_(directory), store_(store), options_(std::move(options)) {}

Result Pipeline::deliver(const Request& request, std::string_view raw) {
  Prepared p = prepare(request, raw);
  if (!p.targets.empty()) {
    try {
      complete(p, store_.deliver(p.message, p.meta, p.targets, p.result.changes));
      deliver_quota_warnings(store_, p, options_.hostname, p.result.changes);
    } catch (const std::exception& e) {
      fail(p, e.what());
    }
  }
  dispatch(p);
  return std::move(p.result);
}

Prepared Pipeline::prepare(const Request& request, std::string_view raw) {
  Prepared p = resolve(request, raw);
  filter(p);
  return p;
}

Prepared Pipeline::resolve(const Request& request, std::string_view raw) {
  Prepared prepared;
  prepared.over_quota_permanent = options_.over_quota_permanent;
  prepared.envelope_from = request.envelope_from;
  prepared.reject_reply = request.reject_reply;
  prepared.meta.internal_date = request.internal_date != 0 ? request.internal_date : now_s();
  Result& result = prepared.result;
  if (raw.size() > options_.max_message_size) {
    // RFC 3463 5.3.4: message too big for system.
    fail_all(result, request.recipients, Status::TooBig,
             "message size " + format_size(raw.size()) + " exceeds the limit of " +
                 format_size(options_.max_message_size));
    return prepared;
  }

  // The stored form: CRLF lines, our own Return-Path (RFC 5321 §4.4: the delivering MTA replaces any
  // existing one), then the trace field handed in by SMTP/LMTP, then the message.
  std::string body = normalize_crlf(strip_mbox_from_line(raw));
  std::string_view content = strip_leading_return_path(body);
  if (auto reason = refuse_reason(content)) {
    fail_all(result, request.recipients, Status::BadMessage, *reason);
    return prepared;
  }
  std::string& message = prepared.message;
  message = return_path_field(request.envelope_from);
  message.reserve(message.size() + request.trace_header.size() + content.size());
  message += request.trace_header;
  message += content;

  prepared.parsed = mime::parse(message);
  if (prepared.parsed.fatal) {
    fail_all(result, request.recipients, Status::BadMessage, "malformed MIME: " + prepared.parsed.fatal_reason);
    return prepared;
  }

  // Resolve every recipient; one stored copy per account, however many recipients reach it.
  auto& targets = prepared.targets;
  auto& recipients_of_account = prepared.recipients_of_account;
  const std::string mailbox = request.mailbox.value_or(options_.default_mailbox);
  FollowUp forward;  // alias targets outside our domains: one queued copy, envelope sender kept
  std::set<std::string> forward_seen;
  for (const auto& rcpt : request.recipients) {
    size_t index = result.recipients.size();
    result.recipients.push_back({rcpt, Status::TempFailure, {}, {}, 0});
    auto& rr = result.recipients.back();
    directory::Resolution resolution;
    try {
      resolution = directory_.resolve(rcpt, options_.recipient_delimiter);
    } catch (const std::exception& e) {
      rr.reason = std::string("directory lookup failed: ") + e.what();
      continue;
    }
    switch (resolution.status) {
      case directory::Resolution::Status::UnknownUser:
        rr.status = Status::UnknownUser;
        rr.reason = resolution.reason.empty() ? "no such user here" : resolution.reason;
        continue;
      case directory::Resolution::Status::NotLocal:
        rr.status = Status::NotLocal;
        rr.reason = resolution.reason.empty() ? "not a local domain" : resolution.reason;
        continue;
      case directory::Resolution::Status::Local:
        break;
    }
    bool forwarded = false;
    if (!resolution.remote.empty()) {
      if (options_.enqueue) {
        forwarded = true;
        forward.recipients.push_back(index);
        if (!forward.message) forward.message = Outgoing{"alias", request.envelope_from, {}, {}, false};
        for (const auto& r : resolution.remote)
          if (forward_seen.insert(str::to_lower(r)).second) forward.message->recipients.push_back(r);
      } else {
        log::warn("alias_remote_targets_skipped", {{"to", rcpt}, {"count", resolution.remote.size()}});
      }
    }
    if (resolution.users.empty()) {
      if (forwarded) {
        rr.status = Status::Delivered;  // settled by dispatch(): a failed enqueue makes it temporary
        rr.reason = "forwarded";
        continue;
      }
      rr.status = Status::UnknownUser;
      rr.reason = "no local mailbox for this address";
      continue;
    }
    // "user+folder@" addressed to the user itself (not through an alias) may go into the folder.
    std::string detail;
    if (!request.mailbox && resolution.users.size() == 1 && !forwarded) {
      detail = recipient_detail(rcpt, options_.recipient_delimiter);
      auto at = rcpt.rfind('@');
      auto base = rcpt.substr(0, rcpt.find(options_.recipient_delimiter)) +
                  (at == std::string::npos ? "" : rcpt.substr(at));
      if (!str::iequals(base, resolution.users.front().address)) detail.clear();
    }
    for (const auto& user : resolution.users) {
      auto [it, inserted] = recipients_of_account.try_emplace(user.id);
      if (inserted) {
        targets.push_back({user.id, mailbox, {}});
        prepared.address_of_account[user.id] = user.address;
        if (!detail.empty()) prepared.detail_of_account[user.id] = detail;
      }
      it->second.push_back(index);
    }
  }
  if (forward.message) {
    forward.carries = true;
    forward.message->message = outgoing_copy(message, "");
    prepared.follow_ups.push_back(std::move(forward));
  }
  return prepared;
}

void Pipeline::filter(Prepared& prepared) {
  if (prepared.message.empty() || prepared.parsed.fatal) return;
  // RFC 4314 "p": user+folder@ files into the folder only when anyone may post there (as Cyrus).
  for (auto& t : prepared.targets) {
    auto d = prepared.detail_of_account.find(t.account);
    if (d == prepared.detail_of_account.end()) continue;
    try {
      if (auto folder = detail_mailbox(store_, t.account, d->second)) t.mailbox = *folder;
    } catch (const std::exception& e) {
      log::warn("detail_mailbox_failed", {{"account", t.account}, {"error", e.what()}});
    }
  }
  if (!options_.data_dir.empty()) run_sieve(prepared);
  if (prepared.targets.empty()) return;
  prepared.meta.envelope = mime::envelope(prepared.message, prepared.parsed);
  prepared.meta.bodystructure = mime::body_structure(prepared.message, prepared.parsed, true);
}

void Pipeline::complete(Prepared& p, const std::vector<store::Stored>& stored) {
  p.result.size = p.message.size();
  std::vector<bool> delivered(p.result.recipients.size());  // a recipient with any stored copy is delivered
  for (const auto& s : stored) {
    std::vector<store::AccountId> owners;
    if (p.recipients_of_account.count(s.account)) owners.push_back(s.account);
    if (auto f = p.filed_for.find({s.account, s.mailbox}); f != p.filed_for.end())
      owners.insert(owners.end(), f->second.begin(), f->second.end());
    for (auto owner : owners) {
      auto it = p.recipients_of_account.find(owner);
      if (it == p.recipients_of_account.end()) continue;
      for (size_t i : it->second) {
        auto& rr = p.result.recipients[i];
        if (!s.over_quota.empty()) {
          // The store kept none of this account's copies (RFC 9208 §3.1: a hard limit).
          if (delivered[i]) continue;
          rr.status = p.over_quota_permanent ? Status::OverQuotaPermanent : Status::OverQuota;
          rr.reason = "mailbox full (" + s.over_quota + " quota)";
          continue;
        }
        delivered[i] = true;
        rr.status = Status::Delivered;
        rr.reason.clear();
        rr.mailbox = s.mailbox;
        rr.uid = s.uid;
      }
    }
  }
}

void Pipeline::fail(Prepared& p, const std::string& error) {
  for (const auto& [account, indexes] : p.recipients_of_account)
    for (size_t i : indexes) p.result.recipients[i].reason = "storage failed: " + error;
  log::error("store_failed", {{"error", error}});
}

// Each account's active Sieve script replaces its default target with the script's targets (issue 6);
// a discarded, redirected or rejected copy is delivered to no mailbox (RFC 5228 §4.2-4.3, RFC 5429).
void Pipeline::run_sieve(Prepared& p) {
  const std::int64_t now = now_s();
  FindAccount find_account = options_.find_account;
  if (!find_account)
    find_account = [this](std::string_view address) -> std::optional<store::AccountId> {
      auto u = directory_.find_user(address);
      return u ? std::optional<store::AccountId>(u->id) : std::nullopt;
    };
  std::vector<store::Target> targets;
  std::vector<std::pair<std::vector<std::size_t>, sieve::Action>> rejections;
  for (const auto& t : p.targets) {
    const auto indexes = p.recipients_of_account[t.account];
    const std::string& user = p.address_of_account[t.account];
    SieveEnvelope envelope{p.envelope_from, p.result.recipients[indexes.front()].recipient, user};
    ForeignTarget foreign = [&](std::string_view name) {
      return foreign_target(store_, find_account, t.account, user, name);
    };
    auto o = run_active_sieve(options_.data_dir, store_, t.account, p.message, p.parsed, envelope, t.mailbox, now,
                              options_.sieve, foreign);
    if (!o) {
      targets.push_back(t);
      continue;
    }
    auto& d = o->disposition;
    if (d.reject) {
      // RFC 5429 §2.4: the interpreter allows reject only with discard; nothing is stored.
      rejections.emplace_back(indexes, *d.reject);
      p.recipients_of_account.erase(t.account);
      continue;
    }
    const std::string marker = user.empty() ? envelope.to : user;
    bool keep_instead = false;
    if (!d.redirects.empty()) {
      if (!options_.enqueue) {
        log::warn("sieve_redirect_unavailable", {{"account", t.account}, {"reason", "no outbound queue"}});
        keep_instead = true;
      } else if (redirect_would_loop(p.message, p.parsed, marker)) {
        // RFC 5228 §10: a message this user already redirected came back; keep it instead.
        log::warn("sieve_redirect_loop", {{"account", t.account}, {"by", marker}});
        keep_instead = true;
      } else {
        FollowUp f;
        f.recipients = indexes;
        f.carries = true;
        // RFC 5228 §4.2: the envelope sender stays the original one (as Pigeonhole does).
        f.message = Outgoing{"redirect", p.envelope_from, d.redirects,
                             outgoing_copy(o->edited.empty() ? p.message : o->edited, marker), false};
        p.follow_ups.push_back(std::move(f));
      }
    }
    if (keep_instead && std::none_of(d.targets.begin(), d.targets.end(),
                                     [&](const store::Target& x) { return x.mailbox == t.mailbox; }))
      d.targets.push_back(t);
    if (d.vacation && options_.enqueue) {
      FollowUp f;
      f.recipients = indexes;
      f.account = t.account;
      f.vacation_sender = d.vacation->address;
      f.vacation_handle = d.vacation->handle;
      // RFC 5230 §5.1, RFC 3834 §5: sent from the null reverse-path, so it can never loop.
      f.message = Outgoing{"vacation", "", {d.vacation->address},
                           vacation_reply(*d.vacation, user, p.message, p.parsed, options_.hostname, now), false};
      p.follow_ups.push_back(std::move(f));
    } else if (d.vacation) {
      log::warn("sieve_vacation_unavailable", {{"account", t.account}, {"reason", "no outbound queue"}});
    }
    if (!o->duplicate_ids.empty()) {
      FollowUp f;
      f.recipients = indexes;
      f.account = t.account;
      f.duplicate_ids = std::move(o->duplicate_ids);
      p.follow_ups.push_back(std::move(f));
    }
    for (const auto& name : d.create) {
      // RFC 5490 §3.2: fileinto :create makes the mailbox (its parents too); a failure files into
      // INBOX (the store's fallback for a missing mailbox).
      try {
        store_.create_mailbox(t.account, name, "", p.result.changes);
        log::info("sieve_mailbox_created", {{"account", t.account}, {"mailbox", name}});
      } catch (const store::MailboxExists&) {
      } catch (const std::exception& e) {
        log::warn("sieve_mailbox_create_failed", {{"account", t.account}, {"mailbox", name}, {"error", e.what()}});
      }
    }
    if (d.targets.empty()) {
      settle(p, indexes, Status::Delivered, d.redirects.empty() ? "discarded by sieve" : "redirected by sieve");
      p.recipients_of_account.erase(t.account);
      continue;
    }
    for (const auto& x : d.targets)
      if (x.account != t.account) p.filed_for[{x.account, x.mailbox}].push_back(t.account);
    targets.insert(targets.end(), d.targets.begin(), d.targets.end());
  }
  p.targets = std::move(targets);
  if (!rejections.empty()) settle_rejections(p, rejections);
}

// RFC 5429: in protocol where the caller can refuse per recipient, or (SMTP) when no recipient
// accepts the message (§2.2 condition 2); otherwise accepted, with an MDN (reject, §2.2.1) or a DSN
// (ereject, §2.1.2) to the envelope sender — never to the null sender.
void Pipeline::settle_rejections(Prepared& p,
                                 const std::vector<std::pair<std::vector<std::size_t>, sieve::Action>>& rejections) {
  std::set<std::size_t> rejecting;
  bool all_expressible = true;
  for (const auto& [indexes, action] : rejections) {
    rejecting.insert(indexes.begin(), indexes.end());
    if (!protocol_reason(action)) all_expressible = false;
  }
  bool others_accept = false;
  for (std::size_t i = 0; i < p.result.recipients.size(); ++i) {
    if (rejecting.count(i)) continue;
    auto st = p.result.recipients[i].status;
    if (st == Status::Delivered || st == Status::TempFailure) others_accept = true;
  }
  const bool whole = p.reject_reply == RejectReply::IfAllRefuse && !others_accept && all_expressible;
  for (const auto& [indexes, action] : rejections) {
    auto reason = protocol_reason(action);
    bool in_protocol = reason && (p.reject_reply == RejectReply::PerRecipient || whole);
    const char* kind = action.kind == sieve::Action::Kind::Reject ? "reject" : "ereject";
    if (in_protocol) {
      settle(p, indexes, Status::Rejected, *reason);
      log::info("sieve_rejected", {{"to", p.result.recipients[indexes.front()].recipient}, {"action", kind}});
      continue;
    }
    settle(p, indexes, Status::Delivered, "rejected by sieve");
    const std::string& rcpt = p.result.recipients[indexes.front()].recipient;
    if (p.envelope_from.empty()) {
      log::info("sieve_reject_no_notice", {{"to", rcpt}, {"reason", "null sender"}});  // RFC 5429 §2.1
      continue;
    }
    if (!options_.enqueue) {
      log::warn("sieve_reject_no_notice", {{"to", rcpt}, {"reason", "no outbound queue"}});
      continue;
    }
    FollowUp f;
    f.recipients = indexes;
    f.message = Outgoing{kind, "", {p.envelope_from},
                         rejection_notice(action, p.envelope_from, rcpt, p.message, p.parsed, options_.hostname, now_s()),
                         true};
    p.follow_ups.push_back(std::move(f));
  }
}

void Pipeline::dispatch(Prepared& p) {
  const bool whole = p.reject_reply != RejectReply::PerRecipient;
  auto send = [&](const FollowUp& f) {
    std::string id = options_.enqueue(*f.message);
    log::info("queued_by_delivery", {{"kind", f.message->kind}, {"queue_id", id},
                                     {"recipients", f.message->recipients.size()}});
  };
  // Mail the message carries first: if it cannot be queued its recipients must try again.
  for (const auto& f : p.follow_ups) {
    if (!f.carries || !f.message || (whole && any_temporary(p)) || !all_delivered(p, f.recipients)) continue;
    try {
      send(f);
    } catch (const std::exception& e) {
      log::error("queue_failed", {{"kind", f.message->kind}, {"error", e.what()}});
      settle(p, f.recipients, Status::TempFailure, f.message->kind + " could not be queued: " + e.what());
    }
  }
  if (whole && any_temporary(p)) return;
  const std::int64_t now = now_s();
  for (const auto& f : p.follow_ups) {
    if (f.carries || !all_delivered(p, f.recipients)) continue;
    bool sent = false;
    if (f.message) {
      try {
        send(f);
        sent = true;
      } catch (const std::exception& e) {
        log::error("queue_failed", {{"kind", f.message->kind}, {"error", e.what()}});
      }
    }
    if (f.account != 0)
      record_sieve_tracking(options_.data_dir, f.account, f.duplicate_ids, sent ? f.vacation_sender : "",
                            f.vacation_handle, now);
  }
}

const char* to_string(Status status) {
  switch (status) {
    case Status::Delivered: return "delivered";
    case Status::UnknownUser: return "unknown-user";
    case Status::NotLocal: return "not-local";
    case Status::TooBig: return "too-big";
    case Status::BadMessage: return "bad-message";
    case Status::TempFailure: return "temporary-failure";
    case Status::OverQuota: return "over-quota";
    case Status::OverQuotaPermanent: return "over-quota-permanent";
    case Status::Rejected: return "rejected";
  }
  return "unknown";
}

}  // namespace postamt::delivery
