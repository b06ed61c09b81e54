// The account behind a SASL authorization identity (RFC 4422 §3.4.1): what IMAP and ManageSieve
// AUTHENTICATE look up once the mechanism has succeeded.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace postamt::services {

class Services;

struct AccountRef {
  std::int64_t id = 0;
  std::string address;  // as the directory spells it
};

// Runs the directory lookup on the offload pool; nullopt when no user has that address.
boost::asio::awaitable<std::optional<AccountRef>> find_account(Services& services, const std::string& address);

}  // namespace postamt::services
