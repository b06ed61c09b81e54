// The quota warning (issue 8, [quota] warning_percent): once a delivery or APPEND takes an account's
// usage to the configured share of a limit, one auto-generated message (RFC 3834 §5) goes into its INBOX.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "delivery/pipeline.hpp"
#include "store/mail_store.hpp"

namespace postamt::delivery {

// The warning itself: From postmaster@<the user's domain> (MAILER-DAEMON@hostname when `address` has
// none), Subject "Your mailbox is N% full" (N: the fuller resource, rounded down), usage and limits
// in MiB and messages. CRLF line ends, ASCII only.
std::string quota_warning_message(const store::Quota& quota, std::string_view address, const std::string& hostname,
                                  std::int64_t now);

// If the account's warning is due (MailStore::take_quota_warning: once until usage drops below the
// threshold again), stores the warning in its INBOX. The warning is stored even when it takes the
// account over its limit (QuotaMode::Ignore): it is small and must reach a full mailbox. Returns
// whether one was stored; never throws (a failure is logged: the delivery itself succeeded).
bool deliver_quota_warning(store::MailStore& store, store::AccountId account, std::string_view address,
                           const std::string& hostname, store::Changes& out);

// deliver_quota_warning for every account of `p` that received a copy (after Pipeline::complete).
void deliver_quota_warnings(store::MailStore& store, const Prepared& p, const std::string& hostname,
                            store::Changes& out);

}  // namespace postamt::delivery
