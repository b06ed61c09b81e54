// Sieve at delivery (see sieve_run.hpp): RFC 5228 §2.10.6 (errors keep), RFC 5490 mailboxexists
// through the store, RFC 7352 and RFC 5230 §4.2 tracking through store::SieveTracking.
#include "delivery/sieve_run.hpp"

#include "common/log.hpp"
#include "delivery/spam_scores.hpp"
#include "sieve/sieve.hpp"
#include "store/mail_store.hpp"
#include "store/mailbox_names.hpp"
#include "store/sieve_scripts.hpp"
#include "store/sieve_tracking.hpp"

namespace postamt::delivery {
namespace {

class StoreEnvironment : public sieve::RuntimeEnvironment {
 public:
  StoreEnvironment(const std::filesystem::path& data_dir, store::MailStore& store, store::AccountId account,
                   std::int64_t now, const ForeignTarget& foreign)
      : data_dir_(data_dir), store_(store), account_(account), now_(now), foreign_(foreign) {}

  bool duplicate_seen(std::string_view id, std::uint64_t seconds) override {
    auto* t = tracking();
    return t && guarded([&] { return t->duplicate_seen(id, seconds, now_); });
  }
  bool vacation_already_sent(std::string_view sender, std::string_view handle, std::uint64_t seconds) override {
    auto* t = tracking();
    return t && guarded([&] { return t->vacation_sent(sender, handle, seconds, now_); });
  }
  // RFC 5490 §3.1: true only where fileinto could deliver (another user's folder needs the right).
  bool mailbox_exists(std::string_view mailbox) override {
    if (store::foreign_name(mailbox)) return foreign_ && foreign_(mailbox).has_value();
    return store_.mailbox(account_, mailbox).has_value();
  }

 private:
  // Tracking that cannot be read counts as "not seen" (a reply too many beats a lost message).
  store::SieveTracking* tracking() {
    if (!tracking_ && !failed_) {
      try {
        tracking_.emplace(data_dir_, account_);
      } catch (const std::exception& e) {
        failed_ = true;
        log::error("sieve_tracking_failed", {{"account", account_}, {"error", e.what()}});
      }
    }
    return tracking_ ? &*tracking_ : nullptr;
  }
  template <class F>
  bool guarded(F&& f) {
    try {
      return f();
    } catch (const std::exception& e) {
      log::error("sieve_tracking_failed", {{"account", account_}, {"error", e.what()}});
      return false;
    }
  }

  const std::filesystem::path& data_dir_;
  store::MailStore& store_;
  store::AccountId account_;
  std::int64_t now_;
  const ForeignTarget& foreign_;
  std::optional<store::SieveTracking> tracking_;
  bool failed_ = false;
};

SieveOutcome keep(store::AccountId account, const std::string& default_mailbox) {
  SieveOutcome o;
  o.disposition.targets.push_back(store::Target{account, default_mailbox, {}});
  return o;
}

}  // namespace

std::optional<SieveOutcome> run_active_sieve(const std::filesystem::path& data_dir, store::MailStore& store,
                                             store::AccountId account, std::string_view message,
                                             const mime::Message& parsed, const SieveEnvelope& envelope,
                                             const std::string& default_mailbox, std::int64_t now,
                                             const config::SieveConfig& scanners, const ForeignTarget& foreign) {
  std::optional<std::string> source;
  try {
    source = store::SieveScripts(data_dir, account).active_source();
  } catch (const std::exception& e) {
    log::error("sieve_error", {{"account", account}, {"error", e.what()}});
    return keep(account, default_mailbox);
  }
  if (!source) return std::nullopt;
  auto compiled = sieve::compile(*source);
  if (auto* errors = std::get_if<std::vector<sieve::Error>>(&compiled)) {
    log::error("sieve_error", {{"account", account}, {"error", sieve::format_errors(*errors)}});
    return keep(account, default_mailbox);
  }
  const auto& script = std::get<std::shared_ptr<const sieve::Script>>(compiled);
  sieve::MessageContext ctx{message, parsed};
  ctx.envelope_from = envelope.from;
  ctx.envelope_to = envelope.to;
  ctx.now = now;
  ctx.user_addresses = {envelope.to};
  if (!envelope.user.empty() && envelope.user != envelope.to) ctx.user_addresses.push_back(envelope.user);
  if (!scanners.spamtest.header.empty() || !scanners.virustest.header.empty()) {
    auto values = scanner_values(mime::header_fields(message, parsed.root), scanners);
    ctx.spamtest_value = std::move(values.spamtest);
    ctx.spamtest_percent = std::move(values.spamtest_percent);
    ctx.virustest_value = std::move(values.virustest);
  }
  StoreEnvironment env(data_dir, store, account, now, foreign);
  sieve::Result result;
  try {
    result = sieve::execute(*script, ctx, env);
  } catch (const std::exception& e) {
    log::error("sieve_error", {{"account", account}, {"error", e.what()}});
    return keep(account, default_mailbox);
  }
  for (const auto& e : result.errors) log::warn("sieve_runtime_error", {{"account", account}, {"error", e}});
  auto exists = [&](std::string_view m) { return env.mailbox_exists(m); };
  SieveOutcome out;
  out.disposition = sieve_targets(result.actions, account, default_mailbox, exists, foreign);
  out.duplicate_ids = std::move(result.duplicate_ids);
  if (result.headers_edited) out.edited = sieve::apply_header_edits(message, parsed, result);
  return out;
}

void record_sieve_tracking(const std::filesystem::path& data_dir, store::AccountId account,
                           const std::vector<std::string>& duplicate_ids, std::string_view vacation_sender,
                           std::string_view vacation_handle, std::int64_t now) {
  if (duplicate_ids.empty() && vacation_sender.empty()) return;
  try {
    store::SieveTracking tracking(data_dir, account);
    for (const auto& id : duplicate_ids) tracking.record_duplicate(id, now);
    if (!vacation_sender.empty()) tracking.record_vacation(vacation_sender, vacation_handle, now);
    tracking.prune(now);
  } catch (const std::exception& e) {
    log::error("sieve_tracking_failed", {{"account", account}, {"error", e.what()}});
  }
}

}  // namespace postamt::delivery
