// Dropping root after the listeners are bound: setgroups/setgid/setuid to [server] user.
#pragma once
#include <stdexcept>
#include <string>

namespace postamt::net {

class PrivilegeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// When running as root (euid 0) and `user` is non-empty: switch to that user's uid, gid and
// supplementary groups, and verify root cannot be regained. Root with an empty user: a warning only.
// Not root: nothing. Returns true when privileges were dropped. Throws PrivilegeError (unknown user,
// failed call) — the caller must then exit rather than keep running as root.
bool drop_privileges(const std::string& user);

}  // namespace postamt::net
