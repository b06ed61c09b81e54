// Services: opening the directory and store of a data directory, and the SASL credential adapter.
#include "services/services.hpp"

#include "common/log.hpp"
#include "directory/password.hpp"
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

}  // namespace

Services::Services(const config::Config& config)
    : config_(config),
      directory_(std::make_unique<directory::Directory>(directory::Directory::open(config.data_dir))),
      store_(store::open_sqlite_store(config.data_dir)),
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
  delivery::Options options{config_.max_message_size, config_.default_mailbox, config_.recipient_delimiter,
                           config_.data_dir};
  delivery::Prepared prepared = with_directory([&](directory::Directory& d) {
    // Resolves recipients and runs their Sieve scripts (which read mailbox names from the store).
    return delivery::Pipeline(d, *store_, options).prepare(request, raw_message);
  });
  if (!prepared.targets.empty()) {
    PendingDelivery pending{&prepared};
    commit(pending);
  }
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
