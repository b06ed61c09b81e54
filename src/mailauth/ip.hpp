// IP addresses for SPF: parsing (inet_pton), CIDR prefix matching (RFC 7208 §5.6), IPv4-mapped IPv6
// treated as IPv4 (RFC 7208 §5), and the dotted/nibble forms of the %{i} macro (RFC 7208 §7.3).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace postamt::mailauth {

struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // v4 uses the first 4

  static std::optional<IpAddress> parse(std::string_view text);  // "::ffff:1.2.3.4" becomes v4
  // True if the first `prefix` bits equal (families must match).
  bool in_network(const IpAddress& network, int prefix) const;
  std::string to_string() const;
  // %{i}: "192.0.2.1" or dot-separated nibbles "2.0.0.1.0.d.b.8...." (RFC 7208 §7.3).
  std::string macro_form() const;
};

}  // namespace postamt::mailauth
