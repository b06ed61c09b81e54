// Runs a recipient's active Sieve script at delivery (issue 6; RFC 5228 §2.10.6: any error → keep)
// and turns its actions into what delivery does (sieve_targets.hpp). The script's memory — duplicate
// ids (RFC 7352) and vacation replies sent (RFC 5230 §4.2) — lives in store::SieveTracking.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/config.hpp"
#include "delivery/sieve_targets.hpp"
#include "mime/message.hpp"
#include "store/types.hpp"

namespace postamt::store {
class MailStore;
}

namespace postamt::delivery {

struct SieveEnvelope {
  std::string from;  // "" = null sender
  std::string to;    // the recipient address that reached this account
  std::string user;  // the account's own address (vacation: one of the user's addresses)
};

struct SieveOutcome {
  SieveDisposition disposition;
  std::vector<std::string> duplicate_ids;  // RFC 7352 §3.1: record once delivery succeeded
  std::string edited;                      // editheader (RFC 5293) changed the header: the edited message
};

// Runs the account's active script (store::SieveScripts in data_dir) against the parsed message.
// No active script → nullopt (the caller keeps its default target). A script that fails to compile
// or run, or any storage error, yields keep into default_mailbox and an `event=sieve_error` log line.
// `scanners`: where spamtest/virustest read the scanners' verdicts (RFC 5235; spam_scores.hpp).
// `foreign`: fileinto and mailboxexists for other users' and public folders (posting_rights.hpp).
std::optional<SieveOutcome> run_active_sieve(const std::filesystem::path& data_dir, store::MailStore& store,
                                             store::AccountId account, std::string_view message,
                                             const mime::Message& parsed, const SieveEnvelope& envelope,
                                             const std::string& default_mailbox, std::int64_t now,
                                             const config::SieveConfig& scanners = {},
                                             const ForeignTarget& foreign = {});

// After a successful delivery: records the duplicate ids and, when a vacation reply was sent, the
// reply to `vacation_sender` for `vacation_handle` (RFC 5230 §4.2). Errors are logged, not thrown.
void record_sieve_tracking(const std::filesystem::path& data_dir, store::AccountId account,
                           const std::vector<std::string>& duplicate_ids, std::string_view vacation_sender,
                           std::string_view vacation_handle, std::int64_t now);

}  // namespace postamt::delivery
