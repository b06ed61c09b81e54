// Services: opening the directory and store of a data directory, and the SASL credential adapter.
#include "services/services.hpp"

#include <stdexcept>

#include "common/log.hpp"
#include "delivery/quota_warning.hpp"
#include "directory/password.hpp"
#include "queue/dkim_signing.hpp"
#include "queue/runner.hpp"
#include "sasl/scram_secret.hpp"
#include "store/sqlite_store.hpp"

namespace postamt::services {
namespace {

// sasl::CredentialStore backed by the directory: PLAIN/LOGIN verify the stored hash.
class DirectoryCredentials : public sasl::CredentialStore {
 public:
  explicit DirectoryCredentials(Services& services) : services_(services) {}
  bool verify_plain(std::string_view authcid, std::string_view password) override {
    return services_.authenticate(authcid, password).has_value();
  }
  std::optional<ScramCredentials> scram_sha256(std::string_view authcid) override {
    return services_.with_directory([&](directory::Directory& d) -> std::optional<ScramCredentials> {
      auto secret = d.scram_secret(authcid);
      if (!secret) return std::nullopt;
      return sasl::parse_scram_sha256(*secret);
    });
  }

 private:
  Services& services_;
};

// Mail delivery sets off (Sieve redirect/vacation/notices, remote alias targets) goes into the queue
// `serve` opened; its runner is woken so local targets arrive at once.
// `dkim_dir`: DATA/dkim when [mailauth] dkim_sign is on, else empty (docs/mailauth.md).
std::string enqueue_outgoing(const delivery::Outgoing& o, const std::filesystem::path& dkim_dir) {
  auto* store = queue::shared_store();
  if (!store) throw std::runtime_error("no outbound queue");
  queue::NewMessage m;
  m.sender = o.sender;
  for (const auto& r : o.recipients) m.recipients.push_back({r, {}, {}});
  m.bounce = o.notice;
  if (o.eight_bit()) m.body = "8BITMIME";
  std::string message = o.message;
  if (o.authored()) queue::sign_for_queue(dkim_dir, message, o.kind);
  std::string id = store->enqueue(m, message);
  if (auto* runner = queue::shared_runner()) runner->wake();
  return id;
}

}  // namespace

Services::Services(const config::Config& config)
    : config_(config),
      directory_(std::make_unique<directory::Directory>(directory::Directory::open(config.data_dir))),
      store_(store::open_sqlite_store(config.data_dir, store::store_options(config))),
      credentials_(std::make_unique<DirectoryCredentials>(*this)) {}

Services::~Services() = default;

std::optional<directory::User> Services::authenticate(std::string_view address, std::string_view password) {
  // Hashing is deliberately slow; do it outside the directory lock so logins run in parallel.
  auto user = with_directory([&](directory::Directory& d) { return d.find_user(address); });
  if (!user) {
    (void)directory::hash_password(password.substr(0, 4096));  // same cost: no user enumeration by timing
    return std::nullopt;
  }
  if (!directory::verify_password(password, user->password_hash)) return std::nullopt;
  return user;
}

struct Services::PendingDelivery {
  delivery::Prepared* prepared;
  bool done = false;
};

delivery::Result Services::deliver(const delivery::Request& request, std::string_view raw_message) {
  delivery::Options options;
  options.max_message_size = config_.max_message_size;
  options.default_mailbox = config_.default_mailbox;
  options.recipient_delimiter = config_.recipient_delimiter;
  options.data_dir = config_.data_dir;
  options.hostname = config_.hostname;
  options.over_quota_permanent = config_.quota.permanent;
  options.sieve = config_.sieve;
  if (queue::shared_store()) {
    std::filesystem::path dkim_dir = config_.mailauth.dkim_sign ? config_.data_dir / "dkim" : std::filesystem::path();
    options.enqueue = [dkim_dir](const delivery::Outgoing& o) { return enqueue_outgoing(o, dkim_dir); };
  }
  options.find_account = [this](std::string_view address) -> std::optional<store::AccountId> {
    auto u = with_directory([&](directory::Directory& d) { return d.find_user(address); });
    return u ? std::optional<store::AccountId>(u->id) : std::nullopt;
  };
  delivery::Pipeline pipeline(*directory_, *store_, options);
  // Only recipient resolution needs the directory lock; Sieve runs after it is released (scripts
  // read the store and their tracking, never the directory) and before the group-committed write.
  delivery::Prepared prepared =
      with_directory([&](directory::Directory&) { return pipeline.resolve(request, raw_message); });
  pipeline.filter(prepared);
  if (!prepared.targets.empty()) {
    PendingDelivery pending{&prepared};
    commit(pending);
    // After the commit, outside the batch: the warning is its own small write (quota_warning.hpp).
    delivery::deliver_quota_warnings(*store_, prepared, config_.hostname, prepared.result.changes);
  }
  pipeline.dispatch(prepared);
  bus_.publish(prepared.result.changes);
  return std::move(prepared.result);
}

// Leader/follower group commit: the first caller to find no writer active writes everything queued
// so far (its own delivery included); the others wait for it, and one of them leads the next batch.
void Services::commit(PendingDelivery& pending) {
  std::unique_lock lock(batch_mu_);
  batch_queue_.push_back(&pending);
  while (!pending.done) {
    if (batch_leader_) {
      batch_cv_.wait(lock);
      continue;
    }
    batch_leader_ = true;
    std::vector<PendingDelivery*> batch;
    batch.swap(batch_queue_);
    lock.unlock();
    write_batch(batch);
    lock.lock();
    for (auto* p : batch) p->done = true;
    batch_leader_ = false;
    batch_cv_.notify_all();
  }
}

void Services::write_batch(const std::vector<PendingDelivery*>& batch) {
  if (batch.size() > 1) {
    std::vector<store::BatchItem> items;
    for (auto* p : batch) items.push_back({p->prepared->message, &p->prepared->meta, p->prepared->targets});
    store::Changes changes;
    try {
      auto stored = store_->deliver_batch(items, changes);
      for (std::size_t i = 0; i < batch.size(); ++i) delivery::Pipeline::complete(*batch[i]->prepared, stored[i]);
      // Hand each change to the delivery it belongs to, for its caller to publish.
      for (std::size_t i = 0; i < batch.size(); ++i)
        for (const auto& s : stored[i])
          for (const auto& c : changes)
            if (c.account == s.account && c.uid == s.uid && c.mailbox == s.mailbox)
              batch[i]->prepared->result.changes.push_back(c);
      log::debug("group_commit", {{"messages", batch.size()}});
      return;
    } catch (const std::exception& e) {
      // All-or-nothing failed: write them one by one so only the culprit fails.
      log::warn("group_commit_failed", {{"messages", batch.size()}, {"error", e.what()}});
    }
  }
  for (auto* p : batch) {
    try {
      delivery::Pipeline::complete(*p->prepared, store_->deliver(p->prepared->message, p->prepared->meta,
                                                                 p->prepared->targets, p->prepared->result.changes));
    } catch (const std::exception& e) {
      delivery::Pipeline::fail(*p->prepared, e.what());
    }
  }
}

}  // namespace postamt::services
