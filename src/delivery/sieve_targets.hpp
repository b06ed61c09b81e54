// Turns the actions of a user's Sieve script (RFC 5228 §4, RFC 5232 flags) into store targets:
// keep → the default mailbox, fileinto → the named mailbox (with the "INBOX." prefix mapped onto our
// "/" hierarchy), discard → nothing. Actions delivery cannot perform yet fall back to keep.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sieve/sieve.hpp"
#include "store/types.hpp"

namespace postamt::delivery {

using MailboxExists = std::function<bool(std::string_view name)>;

// The mailbox a `fileinto` names: the name itself when the account has it; else, for "INBOX.a.b"
// (Cyrus/Courier-style scripts with "." as delimiter), "a/b" when that exists; else INBOX
// (a missing folder never loses mail).
std::string map_fileinto_mailbox(std::string_view name, const MailboxExists& exists);

struct SieveDisposition {
  std::vector<store::Target> targets;    // empty = discarded
  std::vector<std::string> unsupported;  // kinds performed as keep instead ("redirect", "vacation", …)
};

// One target per distinct mailbox (RFC 5228 §4.2: filing twice into one mailbox stores one copy); the
// first action's flags win. Reject, ereject, redirect and vacation are not performed yet: they are
// listed in `unsupported` and the message is kept (RFC 5228 §2.10.6 spirit: never lose mail).
SieveDisposition sieve_targets(const std::vector<sieve::Action>& actions, store::AccountId account,
                               const std::string& default_mailbox, const MailboxExists& exists);

}  // namespace postamt::delivery
