// Sieve at delivery (see sieve_run.hpp): RFC 5228 §2.10.6 (errors keep), RFC 5490 mailboxexists
// through the store, RFC 5232 flags onto the stored copy.
#include "delivery/sieve_run.hpp"

#include <ctime>

#include "common/log.hpp"
#include "sieve/sieve.hpp"
#include "store/mail_store.hpp"
#include "store/sieve_scripts.hpp"

namespace postamt::delivery {
namespace {

class StoreEnvironment : public sieve::RuntimeEnvironment {
 public:
  StoreEnvironment(store::MailStore& store, store::AccountId account) : store_(store), account_(account) {}
  // duplicate (RFC 7352) and vacation tracking are not kept yet: nothing was seen or sent.
  bool duplicate_seen(std::string_view, std::uint64_t) override { return false; }
  bool vacation_already_sent(std::string_view, std::string_view, std::uint64_t) override { return false; }
  bool mailbox_exists(std::string_view mailbox) override { return store_.mailbox(account_, mailbox).has_value(); }

 private:
  store::MailStore& store_;
  store::AccountId account_;
};

SieveDisposition keep(store::AccountId account, const std::string& default_mailbox) {
  return {{store::Target{account, default_mailbox, {}}}, {}};
}

}  // namespace

std::optional<SieveDisposition> run_active_sieve(const std::filesystem::path& data_dir, store::MailStore& store,
                                                 store::AccountId account, std::string_view message,
                                                 const mime::Message& parsed, const SieveEnvelope& envelope,
                                                 const std::string& default_mailbox) {
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
  ctx.now = static_cast<std::int64_t>(std::time(nullptr));
  ctx.user_addresses = {envelope.to};
  StoreEnvironment env(store, account);
  sieve::Result result;
  try {
    result = sieve::execute(*script, ctx, env);
  } catch (const std::exception& e) {
    log::error("sieve_error", {{"account", account}, {"error", e.what()}});
    return keep(account, default_mailbox);
  }
  for (const auto& e : result.errors) log::warn("sieve_runtime_error", {{"account", account}, {"error", e}});
  auto exists = [&](std::string_view m) { return env.mailbox_exists(m); };
  auto disposition = sieve_targets(result.actions, account, default_mailbox, exists);
  for (const auto& kind : disposition.unsupported)
    log::warn("sieve_action_unsupported", {{"account", account}, {"action", kind}});
  return disposition;
}

}  // namespace postamt::delivery
