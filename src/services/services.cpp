// Services: opening the directory and store of a data directory, and the SASL credential adapter.
#include "services/services.hpp"

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

delivery::Result Services::deliver(const delivery::Request& request, std::string_view raw_message) {
  delivery::Options options{config_.max_message_size, config_.default_mailbox, config_.recipient_delimiter};
  delivery::Result result;
  {
    std::scoped_lock lock(directory_mu_, store_mu_);
    delivery::Pipeline pipeline(*directory_, *store_, options);
    result = pipeline.deliver(request, raw_message);
  }
  bus_.publish(result.changes);
  return result;
}

}  // namespace postamt::services
