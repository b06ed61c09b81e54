// Privilege drop after binding (see privileges.hpp).
#include "net/privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "common/log.hpp"

namespace postamt::net {

bool drop_privileges(const std::string& user) {
  if (geteuid() != 0) return false;
  if (user.empty()) {
    log::warn("running_as_root", {{"hint", "set [server] user so postamt drops root after binding its ports"}});
    return false;
  }
  struct passwd pw {};
  struct passwd* found = nullptr;
  std::vector<char> buf(16384);
  int rc = getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found);
  if (rc != 0 || !found) throw PrivilegeError("unknown user '" + user + "' in [server] user");
  if (pw.pw_uid == 0) throw PrivilegeError("[server] user '" + user + "' is root; name an unprivileged user");
  auto fail = [&](const char* call) {
    throw PrivilegeError(std::string(call) + " for user '" + user + "' failed: " + std::strerror(errno));
  };
  if (initgroups(pw.pw_name, pw.pw_gid) != 0) fail("initgroups");
  if (setgid(pw.pw_gid) != 0) fail("setgid");
  if (setuid(pw.pw_uid) != 0) fail("setuid");
  if (setuid(0) == 0) throw PrivilegeError("could still regain root after dropping privileges to '" + user + "'");
  log::info("privileges_dropped", {{"user", user}, {"uid", pw.pw_uid}, {"gid", pw.pw_gid}});
  return true;
}

}  // namespace postamt::net
