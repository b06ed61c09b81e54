// Who may send what (issue 3, RFC 5321 §3.6 relaying, RFC 6409 §5-§6 submission): relay_networks
// matching, "does this user own this address" (own address, +tag, or an alias that leads to them)
// and the From: header addresses a submission client must own.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace postamt::directory {
class Directory;
}

namespace postamt::smtp {

// Whether `ip` ("192.0.2.7", "::1", v4-mapped shown as v4) lies in one of the CIDR networks
// (config::parse_network syntax). Malformed entries never match.
bool in_networks(std::string_view ip, const std::vector<std::string>& networks);

// Whether the user `user_id` may use `address` as sender: it is the user's own address (case-insensitive,
// with or without a +tag using `delimiter`) or an alias (not a catch-all) that resolves to the user.
bool owns_address(directory::Directory& directory, std::int64_t user_id, std::string_view address, char delimiter);

// The addr-spec of every mailbox in the From: fields of the message's header section (RFC 5322 §3.6.2),
// as "local@domain" (quotes kept as sent). Empty when there is no From: field.
std::vector<std::string> from_header_addresses(std::string_view message);

}  // namespace postamt::smtp
