// The services a running server shares between its protocol sessions (DESIGN.md layer 3): the user
// directory, the mail store, the inbound pipeline, the change bus and auth throttling, opened once
// by `serve`. Directory and store calls block (SQLite, fsync, password hashing): sessions run them
// through `co_await offload(...)`. Any thread may call: the directory is serialised by a lock, the
// store serialises per account itself (sessions of different users never wait for each other).
#pragma once
#include <condition_variable>
#include <memory>
#include <vector>
#include <mutex>
#include <optional>
#include <string_view>

#include "common/config.hpp"
#include "delivery/pipeline.hpp"
#include "directory/directory.hpp"
#include "sasl/mechanism.hpp"
#include "services/auth_throttle.hpp"
#include "services/change_bus.hpp"
#include "services/relay_grants.hpp"
#include "store/mail_store.hpp"

namespace postamt::services {

class Services {
 public:
  explicit Services(const config::Config& config);
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;
  ~Services();

  const config::Config& config() const { return config_; }

  // Runs f(directory::Directory&) under the directory lock / f(store::MailStore&) (thread-safe).
  template <class F>
  decltype(auto) with_directory(F&& f) {
    std::lock_guard lock(directory_mu_);
    return f(*directory_);
  }
  template <class F>
  decltype(auto) with_store(F&& f) {
    return f(*store_);
  }
  // Runs f(store) and publishes the Changes it filled in: f(store::MailStore&, store::Changes&).
  template <class F>
  decltype(auto) change_store(F&& f) {
    store::Changes changes;
    struct Publish {
      ChangeBus& bus;
      store::Changes& changes;
      ~Publish() { bus.publish(changes); }
    } publish{bus_, changes};
    return f(*store_, changes);
  }

  // Password check against the directory (no throttling: the caller applies throttle()).
  std::optional<directory::User> authenticate(std::string_view address, std::string_view password);
  // The inbound pipeline for SMTP/LMTP/APPEND-like imports; publishes the resulting changes.
  // Concurrent calls are group-committed: while one batch is being written, arriving deliveries
  // queue up and the next caller writes them all with one directory fsync and one commit per
  // account (store::MailStore::deliver_batch). Each caller returns once its own message is durable.
  delivery::Result deliver(const delivery::Request& request, std::string_view raw_message);

  // Credentials for SASL mechanisms (sasl::create(name, services.credentials())).
  sasl::CredentialStore& credentials() { return *credentials_; }
  ChangeBus& bus() { return bus_; }
  AuthThrottle& throttle() { return throttle_; }
  // POP-before-SMTP ([smtp] pop_before_smtp_seconds): POP3/IMAP logins grant, the SMTP relay policy checks.
  RelayGrants& relay_grants() { return relay_grants_; }

 private:
  const config::Config& config_;
  std::mutex directory_mu_;
  std::unique_ptr<directory::Directory> directory_;
  std::unique_ptr<store::MailStore> store_;
  std::unique_ptr<sasl::CredentialStore> credentials_;
  ChangeBus bus_;
  AuthThrottle throttle_;
  RelayGrants relay_grants_{std::chrono::seconds(config_.pop_before_smtp_seconds)};

  struct PendingDelivery;
  void commit(PendingDelivery& pending);
  void write_batch(const std::vector<PendingDelivery*>& batch);
  std::mutex batch_mu_;
  std::condition_variable batch_cv_;
  std::vector<PendingDelivery*> batch_queue_;
  bool batch_leader_ = false;
};

}  // namespace postamt::services
