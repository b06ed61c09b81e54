// Turns the actions of a user's Sieve script (RFC 5228 §4, RFC 5232 flags, RFC 5490 :create) into
// what delivery does: store targets (keep → the default mailbox, fileinto → the named mailbox with
// the "INBOX." prefix mapped onto our "/" hierarchy, discard → nothing), mailboxes to create,
// redirect addresses, the vacation reply and the rejection.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "delivery/posting_rights.hpp"
#include "sieve/sieve.hpp"
#include "store/types.hpp"

namespace postamt::delivery {

using MailboxExists = std::function<bool(std::string_view name)>;

// The mailbox a `fileinto` names: the name itself when the account has it; else, for "INBOX.a.b"
// (Cyrus/Courier-style scripts with "." as delimiter), "a/b" when that exists; else INBOX
// (a missing folder never loses mail).
std::string map_fileinto_mailbox(std::string_view name, const MailboxExists& exists);

// The name `fileinto :create` creates for a missing mailbox: "INBOX.a.b" → "a/b" (the same mapping),
// anything else as written.
std::string created_mailbox_name(std::string_view name);

struct SieveDisposition {
  std::vector<store::Target> targets;     // empty = no stored copy (discard, redirect, reject)
  std::vector<std::string> create;        // fileinto :create of missing mailboxes, before storing
  std::vector<std::string> redirects;     // redirect targets, in order (RFC 5228 §4.2)
  std::optional<sieve::Action> vacation;  // RFC 5230
  std::optional<sieve::Action> reject;    // RFC 5429 reject or ereject
};

// One target per distinct mailbox (RFC 5228 §4.2: filing twice into one mailbox stores one copy); the
// first action's flags win. A fileinto naming another user's or a public folder ("Other Users/...",
// "Shared Folders/...") files there when `foreign` allows it, else into INBOX; it never creates one.
SieveDisposition sieve_targets(const std::vector<sieve::Action>& actions, store::AccountId account,
                               const std::string& default_mailbox, const MailboxExists& exists,
                               const ForeignTarget& foreign = {});

}  // namespace postamt::delivery
