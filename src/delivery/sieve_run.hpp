// Runs a recipient's active Sieve script at delivery (issue 6; RFC 5228 §2.10.6: any error → keep)
// and turns its actions into store targets (sieve_targets.hpp). Not wired into Pipeline yet: calling
// it needs postamt_sieve among the delivery module's link dependencies (src/CMakeLists.txt).
#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

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
};

// Runs the account's active script (store::SieveScripts in data_dir) against the parsed message.
// No active script → nullopt (the caller keeps its default target). A script that fails to compile
// or run, or any storage error, yields keep into default_mailbox and an `event=sieve_error` log line;
// actions delivery cannot perform yet are kept and logged as `event=sieve_action_unsupported`.
std::optional<SieveDisposition> run_active_sieve(const std::filesystem::path& data_dir, store::MailStore& store,
                                                 store::AccountId account, std::string_view message,
                                                 const mime::Message& parsed, const SieveEnvelope& envelope,
                                                 const std::string& default_mailbox);

}  // namespace postamt::delivery
