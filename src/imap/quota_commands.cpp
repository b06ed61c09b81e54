// QUOTA (RFC 9208): GETQUOTA, GETQUOTAROOT and SETQUOTA (§4.1) with the STORAGE and MESSAGE resources
// (§5.1, §5.2). Every user has one quota root named by the user's address; [admin] users may read
// and set any user's (SETQUOTA is for them only, issue 8 "administration through IMAP").
#include <algorithm>
#include <string>

#include "common/offload.hpp"
#include "common/strings.hpp"
#include "directory/directory.hpp"
#include "imap/access.hpp"
#include "imap/commands.hpp"
#include "imap/protocol/writer.hpp"
#include "services/services.hpp"

namespace postamt::imap {
namespace {

// "* QUOTA root (STORAGE used limit MESSAGE used limit)": only limited resources are listed
// (RFC 9208 §4.2.1: a resource not named is not limited).
std::string quota_line(const std::string& root, const store::Quota& q) {
  std::string line = "* QUOTA ";
  protocol::append_astring(line, root);
  line += " (";
  std::string items;
  auto add = [&](const char* name, std::uint64_t used, const std::optional<std::uint64_t>& limit) {
    if (!limit) return;
    if (!items.empty()) items += ' ';
    items += std::string(name) + " " + std::to_string(used) + " " + std::to_string(*limit);
  };
  add("STORAGE", q.usage.storage_kib(), q.limits.storage_kib);
  add("MESSAGE", q.usage.messages, q.limits.messages);
  return line + items + ")\r\n";
}

// The account whose quota root is `root` (a user's address), if the session may see it.
asio::awaitable<std::optional<store::AccountId>> root_account(Session& s, const std::string& root) {
  if (root.empty() || str::iequals(root, s.user())) co_return s.account();
  if (!is_admin(s)) co_return std::nullopt;  // RFC 9208 §4.1.1: NO, "permission denied" / no such root
  if (str::iequals(root, kSharedFolders)) co_return store::kPublicAccount;  // the public folders' root
  auto user = co_await offload([&] {
    return s.services().with_directory([&](directory::Directory& d) { return d.find_user(root); });
  });
  if (!user) co_return std::nullopt;
  co_return user->id;
}

}  // namespace

asio::awaitable<void> cmd_getquota(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::GetQuota>(c);
  auto account = co_await root_account(s, cmd.root);
  if (!account) throw No{"No such quota root", "NONEXISTENT"};
  const auto id = *account;
  auto q = co_await offload([&] { return s.services().with_store([&](store::MailStore& st) { return st.quota(id); }); });
  s.send(quota_line(cmd.root.empty() ? s.user() : cmd.root, q));
}

asio::awaitable<void> cmd_getquotaroot(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::GetQuotaRoot>(c);
  std::string name = s.mailbox_name(cmd.mailbox);
  // RFC 9208 §4.1.2: the mailbox need not exist; its quota root is its owner's.
  auto where = co_await resolve_mailbox(s, name);
  if (!where.own) require_right(where, 'r');  // another user's usage only for readers of the mailbox
  const auto id = where.account;
  auto q = co_await offload([&] { return s.services().with_store([&](store::MailStore& st) { return st.quota(id); }); });
  std::string line = "* QUOTAROOT ";
  s.append_mailbox(line, name);
  line += ' ';
  const std::string root = quota_root(where);
  protocol::append_astring(line, root);
  s.send(line + "\r\n");
  s.send(quota_line(root, q));
}

asio::awaitable<void> cmd_setquota(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::SetQuota>(c);
  if (!is_admin(s)) throw No{"Only administrators set quotas", "NOPERM"};
  auto account = co_await root_account(s, cmd.root);
  if (!account) throw No{"No such quota root", "NONEXISTENT"};
  // RFC 9208 §4.1.3: the listed limits replace all previous ones; resources not listed are unlimited.
  store::QuotaLimits limits;
  for (const auto& [resource, value] : cmd.limits) {
    if (resource == "STORAGE") limits.storage_kib = value;
    else if (resource == "MESSAGE") limits.messages = value;
    else throw No{"Unsupported resource " + resource.substr(0, 64) + " (STORAGE and MESSAGE are)", "CANNOT"};
  }
  const auto id = *account;
  auto q = co_await offload([&] {
    return s.services().with_store([&](store::MailStore& st) {
      st.set_quota(id, limits);
      return st.quota(id);
    });
  });
  s.log().info("setquota", {{"root", cmd.root}, {"by", s.user()}});
  s.send(quota_line(cmd.root.empty() ? s.user() : cmd.root, q));
}

}  // namespace postamt::imap
