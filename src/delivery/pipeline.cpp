// The inbound pipeline: size check, normalisation, refusal of non-mail, one MIME parse, recipient
// resolution, Return-Path (RFC 5321 §4.4) and one durable store write for all local recipients.
#include "delivery/pipeline.hpp"

#include <ctime>
#include <map>

#include "common/log.hpp"
#include "delivery/message_input.hpp"
#include "delivery/sieve_run.hpp"
#include "directory/directory.hpp"
#include "mime/message.hpp"
#include "store/mail_store.hpp"

namespace postamt::delivery {
namespace {

void fail_all(Result& result, const std::vector<std::string>& recipients, Status status, const std::string& reason) {
  for (const auto& r : recipients) result.recipients.push_back({r, status, reason, {}, 0});
}

std::string format_size(std::uint64_t bytes) {
  return std::to_string(bytes) + " bytes";
}

}  // namespace

Pipeline::Pipeline(directory::Directory& directory, store::MailStore& store, Options options)
    : directory_(directory), store_(store), options_(std::move(options)) {}

Result Pipeline::deliver(const Request& request, std::string_view raw) {
  Prepared p = prepare(request, raw);
  if (p.targets.empty()) return std::move(p.result);
  try {
    complete(p, store_.deliver(p.message, p.meta, p.targets, p.result.changes));
  } catch (const std::exception& e) {
    fail(p, e.what());
  }
  return std::move(p.result);
}

Prepared Pipeline::prepare(const Request& request, std::string_view raw) {
  Prepared prepared;
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

  mime::Message parsed = mime::parse(message);
  if (parsed.fatal) {
    fail_all(result, request.recipients, Status::BadMessage, "malformed MIME: " + parsed.fatal_reason);
    return prepared;
  }

  // Resolve every recipient; one stored copy per account, however many recipients reach it.
  auto& targets = prepared.targets;
  auto& recipients_of_account = prepared.recipients_of_account;
  const std::string mailbox = request.mailbox.value_or(options_.default_mailbox);
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
    if (!resolution.remote.empty()) {
      // Alias targets outside our domains need the outbound queue, which is not in this build yet.
      log::warn("alias_remote_targets_skipped", {{"to", rcpt}, {"count", resolution.remote.size()}});
    }
    if (resolution.users.empty()) {
      rr.status = Status::UnknownUser;
      rr.reason = "no local mailbox for this address";
      continue;
    }
    for (const auto& user : resolution.users) {
      auto [it, inserted] = recipients_of_account.try_emplace(user.id);
      if (inserted) targets.push_back({user.id, mailbox, {}});
      it->second.push_back(index);
    }
  }
  if (!options_.data_dir.empty()) run_sieve(prepared, request.envelope_from, parsed);
  if (targets.empty()) return prepared;

  prepared.meta.internal_date =
      request.internal_date != 0 ? request.internal_date : static_cast<std::int64_t>(std::time(nullptr));
  prepared.meta.envelope = mime::envelope(message, parsed);
  prepared.meta.bodystructure = mime::body_structure(message, parsed, true);
  return prepared;
}

void Pipeline::complete(Prepared& p, const std::vector<store::Stored>& stored) {
  p.result.size = p.message.size();
  for (const auto& s : stored) {
    auto it = p.recipients_of_account.find(s.account);
    if (it == p.recipients_of_account.end()) continue;
    for (size_t i : it->second) {
      auto& rr = p.result.recipients[i];
      rr.status = Status::Delivered;
      rr.reason.clear();
      rr.mailbox = s.mailbox;
      rr.uid = s.uid;
    }
  }
}

void Pipeline::fail(Prepared& p, const std::string& error) {
  for (const auto& [account, indexes] : p.recipients_of_account)
    for (size_t i : indexes) p.result.recipients[i].reason = "storage failed: " + error;
  log::error("store_failed", {{"error", error}});
}

// Each account's active Sieve script replaces its default target with the script's targets (issue 6);
// a discarded copy is delivered to no mailbox (RFC 5228 §4.3).
void Pipeline::run_sieve(Prepared& p, const std::string& envelope_from, const mime::Message& parsed) {
  std::vector<store::Target> targets;
  for (const auto& t : p.targets) {
    auto& indexes = p.recipients_of_account[t.account];
    SieveEnvelope envelope{envelope_from, p.result.recipients[indexes.front()].recipient};
    auto d = run_active_sieve(options_.data_dir, store_, t.account, p.message, parsed, envelope, t.mailbox);
    if (!d) {
      targets.push_back(t);
      continue;
    }
    if (d->targets.empty()) {
      for (size_t i : indexes) {
        p.result.recipients[i].status = Status::Delivered;
        p.result.recipients[i].reason = "discarded by sieve";
      }
      p.recipients_of_account.erase(t.account);
      continue;
    }
    targets.insert(targets.end(), d->targets.begin(), d->targets.end());
  }
  p.targets = std::move(targets);
}

const char* to_string(Status status) {
  switch (status) {
    case Status::Delivered: return "delivered";
    case Status::UnknownUser: return "unknown-user";
    case Status::NotLocal: return "not-local";
    case Status::TooBig: return "too-big";
    case Status::BadMessage: return "bad-message";
    case Status::TempFailure: return "temporary-failure";
  }
  return "unknown";
}

}  // namespace postamt::delivery
