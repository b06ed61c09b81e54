// Relay and sender-ownership policy (see policy.hpp). RFC 6409 §6.1: a submission server may refuse
// mail whose sender the authenticated user is not allowed to use.
#include "smtp/policy.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>

#include "common/config.hpp"
#include "common/strings.hpp"
#include "directory/address.hpp"
#include "directory/directory.hpp"
#include "mime/address.hpp"
#include "mime/header_section.hpp"

namespace postamt::smtp {
namespace {

// The header section is at most this long for the From: check (bigger ones are not mail we send).
constexpr std::size_t kMaxHeaderScan = 1 << 20;

bool prefix_matches(const unsigned char* a, const unsigned char* b, int bits) {
  int whole = bits / 8, rest = bits % 8;
  if (!std::equal(a, a + whole, b)) return false;
  if (rest == 0) return true;
  unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

}  // namespace

bool in_networks(std::string_view ip, const std::vector<std::string>& networks) {
  auto address = config::parse_network(ip);
  if (!address) return false;
  for (const auto& text : networks) {
    auto net = config::parse_network(text);
    if (!net || net->family != address->family) continue;
    if (prefix_matches(address->bytes, net->bytes, net->prefix)) return true;
  }
  return false;
}

bool owns_address(directory::Directory& directory, std::int64_t user_id, std::string_view address, char delimiter) {
  auto parsed = directory::parse_recipient(address);
  if (!parsed || parsed->local.empty()) return false;
  std::string local = str::to_lower(parsed->local);
  std::vector<std::string> candidates{local};
  if (delimiter != '\0') {
    auto pos = local.find(delimiter);
    if (pos != std::string::npos && pos > 0) candidates.push_back(local.substr(0, pos));
  }
  for (const auto& c : candidates) {
    std::string candidate = c + "@" + parsed->domain;
    // Aliases win over a user of the same address, as in resolve(); a catch-all never counts.
    if (directory.find_alias(candidate)) {
      auto r = directory.resolve(candidate, '\0');
      if (r.status != directory::Resolution::Status::Local) return false;
      return std::any_of(r.users.begin(), r.users.end(), [&](const directory::User& u) { return u.id == user_id; });
    }
    if (auto user = directory.find_user(candidate)) return user->id == user_id;
  }
  return false;
}

std::vector<std::string> from_header_addresses(std::string_view message) {
  std::vector<std::string> out;
  auto scan = mime::detail::scan_header(message, 0, message.size(), kMaxHeaderScan);
  for (const auto& f : scan.fields) {
    std::string_view name = message.substr(f.name_begin, f.name_end - f.name_begin);
    if (!str::iequals(name, "From")) continue;
    std::string value = mime::detail::unfold(message.substr(f.value_begin, f.value_end - f.value_begin));
    for (const auto& a : mime::parse_address_list(value)) {
      if (a.kind != mime::Address::Kind::Mailbox) continue;
      out.push_back(a.host.empty() ? a.mailbox : a.mailbox + "@" + a.host);
    }
  }
  return out;
}

}  // namespace postamt::smtp
