// The account behind a SASL authorization identity (account_lookup.hpp).
#include "services/account_lookup.hpp"

#include "common/offload.hpp"
#include "services/services.hpp"

namespace postamt::services {

boost::asio::awaitable<std::optional<AccountRef>> find_account(Services& services, const std::string& address) {
  co_return co_await offload([&services, &address] {
    return services.with_directory([&](directory::Directory& d) -> std::optional<AccountRef> {
      auto user = d.find_user(address);
      if (!user) return std::nullopt;
      return AccountRef{user->id, user->address};
    });
  });
}

}  // namespace postamt::services
