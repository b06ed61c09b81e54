// The quota warning message and its delivery (see quota_warning.hpp; RFC 3834 §5 Auto-Submitted,
// RFC 5322 §3.6 header fields, RFC 9208 resources STORAGE and MESSAGE).
#include "delivery/quota_warning.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "common/log.hpp"
#include "mime/message.hpp"

namespace postamt::delivery {
namespace {

std::string mib(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

// Percent of `limit` used, rounded down; 0 without a limit (limit 0).
std::uint64_t share(std::uint64_t used, std::uint64_t limit) { return limit > 0 ? used * 100 / limit : 0; }

// Header values come from our own directory, but an address is still kept to printable ASCII.
std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 256)) out += (c > 32 && c < 127) ? c : '_';
  return out;
}

}  // namespace

std::string quota_warning_message(const store::Quota& quota, std::string_view address, const std::string& hostname,
                                  std::int64_t now) {
  const auto& u = quota.usage;
  const auto& l = quota.limits;
  // Plain integers (0 = no limit): GCC 12 at -O3 warns falsely about std::optional here (-Wmaybe-uninitialized).
  const std::uint64_t storage_limit = l.storage_kib ? *l.storage_kib * 1024 : 0;
  const std::uint64_t message_limit = l.messages ? *l.messages : 0;
  const std::uint64_t percent = std::max(share(u.storage_bytes, storage_limit), share(u.messages, message_limit));
  const std::string user = printable(address);
  const auto at = user.rfind('@');
  const std::string from = at != std::string::npos && at + 1 < user.size() ? "postmaster@" + user.substr(at + 1)
                                                                           : "MAILER-DAEMON@" + printable(hostname);
  std::time_t t = static_cast<std::time_t>(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[64];
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);

  std::string m;
  m += "Date: " + std::string(date) + "\r\n";
  m += "From: Mail Delivery System <" + from + ">\r\n";
  if (!user.empty()) m += "To: <" + user + ">\r\n";
  m += "Subject: Your mailbox is " + std::to_string(percent) + "% full\r\n";
  m += "Message-ID: <quota-warning." + std::to_string(now) + "." + std::to_string(u.messages) + "@" +
       printable(hostname) + ">\r\n";
  m += "Auto-Submitted: auto-generated\r\n";  // RFC 3834 §5: no one auto-replies to it
  m += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n";
  m += "Your mailbox" + (user.empty() ? std::string() : " " + user) + " is " + std::to_string(percent) + "% full.\r\n\r\n";
  m += "Storage:  " + mib(u.storage_bytes) + " of " + (storage_limit ? mib(storage_limit) : "unlimited") + "\r\n";
  m += "Messages: " + std::to_string(u.messages) + " of " + (message_limit ? std::to_string(message_limit) : "unlimited") +
       "\r\n\r\n";
  m += "When the mailbox is full, new mail is refused. Please delete messages you no longer\r\n"
       "need (and empty the Trash). This warning is sent once; you get another one only after\r\n"
       "the mailbox fell below this level and reached it again.\r\n";
  return m;
}

bool deliver_quota_warning(store::MailStore& store, store::AccountId account, std::string_view address,
                           const std::string& hostname, store::Changes& out) {
  try {
    if (!store.take_quota_warning(account)) return false;
    const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    const std::string message = quota_warning_message(store.quota(account), address, hostname, now);
    auto parsed = mime::parse(message);
    store::NewMessage meta{now, mime::envelope(message, parsed), mime::body_structure(message, parsed, true)};
    const store::Target target{account, "INBOX", {}};
    const store::BatchItem item{message, &meta, std::span<const store::Target>(&target, 1)};
    store.deliver_batch(std::span<const store::BatchItem>(&item, 1), out, store::MailStore::QuotaMode::Ignore);
    log::info("quota_warning", {{"account", account}, {"address", std::string(address)}});
    return true;
  } catch (const std::exception& e) {
    log::error("quota_warning_failed", {{"account", account}, {"error", e.what()}});
    return false;
  }
}

void deliver_quota_warnings(store::MailStore& store, const Prepared& p, const std::string& hostname,
                            store::Changes& out) {
  for (const auto& [account, indexes] : p.recipients_of_account) {
    const bool got_copy = std::any_of(indexes.begin(), indexes.end(), [&](std::size_t i) {
      return i < p.result.recipients.size() && p.result.recipients[i].status == Status::Delivered;
    });
    if (!got_copy) continue;
    auto address = p.address_of_account.find(account);
    deliver_quota_warning(store, account, address != p.address_of_account.end() ? address->second : "", hostname, out);
  }
}

}  // namespace postamt::delivery
