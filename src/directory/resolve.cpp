// Recipient resolution: RFC 5321 address -> local users and remote alias targets. Domains and
// local parts compare case-insensitively (RFC 5321 §2.4 lets the receiving host decide for local
// parts; Dovecot and Postfix fold them); "postmaster" without a domain is accepted (§4.5.1).
#include <set>

#include "common/strings.hpp"
#include "directory/address.hpp"
#include "directory/directory.hpp"

namespace postamt::directory {

// Depth-first alias expansion with a visited set: loops end, diamonds deliver once.
struct Expansion {
  Directory& dir;
  char delimiter;
  Resolution& out;
  std::set<std::string> visited;
  std::set<std::int64_t> user_ids;
  std::set<std::string> remote_seen;
  std::string too_deep;  // the address where the depth limit was hit

  void add_user(User u) {
    if (user_ids.insert(u.id).second) out.users.push_back(std::move(u));
  }

  void add_remote(const Address& a) {
    std::string s = a.str();
    if (remote_seen.insert(str::to_lower(s)).second) out.remote.push_back(std::move(s));
  }

  // Candidate local parts: the whole local part, then (with a delimiter) the part before it.
  std::vector<std::string> candidates(const std::string& local) const {
    std::vector<std::string> c{local};
    if (delimiter != '\0') {
      auto pos = local.find(delimiter);
      if (pos != std::string::npos && pos > 0) c.push_back(local.substr(0, pos));
    }
    return c;
  }

  void expand_targets(const std::vector<std::string>& targets, int depth) {
    for (const auto& t : targets) {
      auto a = parse_recipient(t);
      if (a) expand(*a, depth + 1);
    }
  }

  void expand(const Address& address, int depth) {
    if (depth > kMaxAliasDepth) {
      if (too_deep.empty()) too_deep = address.str();
      return;
    }
    if (!dir.is_local_domain(address.domain)) {
      add_remote(address);
      return;
    }
    const std::string local = str::to_lower(address.local);
    const std::string key = local + "@" + address.domain;
    if (!visited.insert(key).second) {
      // Seen before (a loop or a second path): an alias naming a user's own address reaches the user.
      for (const auto& c : candidates(local)) {
        if (auto u = dir.user_by_address(c + "@" + address.domain)) {
          add_user(std::move(*u));
          return;
        }
      }
      return;
    }
    for (const auto& c : candidates(local)) {
      const std::string candidate = c + "@" + address.domain;
      if (c != local && !visited.insert(candidate).second) {
        if (auto u = dir.user_by_address(candidate)) add_user(std::move(*u));
        return;
      }
      if (auto targets = dir.alias_targets(candidate)) {
        expand_targets(*targets, depth);
        return;
      }
      if (auto u = dir.user_by_address(candidate)) {
        add_user(std::move(*u));
        return;
      }
    }
    // Catch-all last, once per domain per resolution.
    const std::string catch_all = "@" + address.domain;
    if (!visited.insert(catch_all).second) return;
    if (auto targets = dir.alias_targets(catch_all)) expand_targets(*targets, depth);
  }
};

Resolution Directory::resolve(std::string_view recipient, char delimiter) {
  Resolution r;
  std::optional<Address> address;
  if (str::iequals(str::trim(recipient), "postmaster") || str::iequals(str::trim(recipient), "<postmaster>")) {
    // RFC 5321 §4.5.1: "postmaster" without a domain must be accepted; it goes to the first domain's.
    auto ds = domains();
    if (ds.empty()) {
      r.status = Resolution::Status::UnknownUser;
      r.reason = "no local domains";
      return r;
    }
    address = Address{"postmaster", ds.front().name};
  } else {
    address = parse_recipient(recipient);
  }
  if (!address) {
    r.status = Resolution::Status::UnknownUser;
    r.reason = "malformed recipient address";
    return r;
  }
  if (!is_local_domain(address->domain)) {
    r.status = Resolution::Status::NotLocal;
    r.reason = address->domain + " is not a local domain";
    return r;
  }
  Expansion e{*this, delimiter, r, {}, {}, {}, {}};
  e.expand(*address, 0);
  const std::string shown = str::to_lower(address->local) + "@" + address->domain;
  if (!e.too_deep.empty()) {
    r.users.clear();
    r.remote.clear();
    r.status = Resolution::Status::UnknownUser;
    r.reason = "aliases for " + shown + " nest deeper than " + std::to_string(kMaxAliasDepth) + " levels (at " +
               e.too_deep + ")";
    return r;
  }
  if (r.users.empty() && r.remote.empty()) {
    r.status = Resolution::Status::UnknownUser;
    r.reason = "no such user: " + shown;
    return r;
  }
  r.status = Resolution::Status::Local;
  return r;
}

}  // namespace postamt::directory
