// IpAddress: parsing, prefix match and SPF macro forms (RFC 7208 §5.6, §7.3).
#include "mailauth/ip.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace postamt::mailauth {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.size() > 64) return std::nullopt;
  std::string s(text);
  IpAddress ip;
  if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) return ip;
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) != 1) return std::nullopt;
  static const std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(ip.bytes.data(), kMapped, 12) == 0) {  // RFC 7208 §5: IPv4-mapped is IPv4
    std::memmove(ip.bytes.data(), ip.bytes.data() + 12, 4);
    std::memset(ip.bytes.data() + 4, 0, 12);
    return ip;
  }
  ip.v6 = true;
  return ip;
}

bool IpAddress::in_network(const IpAddress& network, int prefix) const {
  if (v6 != network.v6) return false;
  int bits = v6 ? 128 : 32;
  if (prefix < 0 || prefix > bits) return false;
  int full = prefix / 8, rest = prefix % 8;
  if (std::memcmp(bytes.data(), network.bytes.data(), full) != 0) return false;
  if (rest == 0) return true;
  std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (bytes[full] & mask) == (network.bytes[full] & mask);
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  return buf;
}

std::string IpAddress::macro_form() const {
  if (!v6) return to_string();
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : bytes) {
    if (!out.empty()) out += '.';
    out += kHex[b >> 4];
    out += '.';
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace postamt::mailauth
