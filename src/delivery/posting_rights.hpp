// Where delivery may put mail beyond the recipient's INBOX, by ACL (RFC 4314 §2.1 "p": post to the
// mailbox's submission address): `user+folder@` into the folder when "anyone" holds "p" on it (the
// sender is not a user of ours), and Sieve `fileinto` into another user's or a public folder when the
// script's owner holds "p" or "i" there (RFC 2342 §5 names, as IMAP shows them).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "store/types.hpp"

namespace postamt::store {
class MailStore;
}

namespace postamt::delivery {

// The account of a user's address, or nullopt (callers hold whatever lock their directory needs).
using FindAccount = std::function<std::optional<store::AccountId>(std::string_view address)>;
// The store target a foreign `fileinto` name means, when the script's owner may post there.
using ForeignTarget = std::function<std::optional<store::Target>(std::string_view name)>;

// The detail ("folder") of "user+folder@domain" with `delimiter` '+', or "" (none, or no delimiter).
std::string recipient_detail(std::string_view recipient, char delimiter);

// The account's mailbox named `detail` when it exists and "anyone" holds "p" on it; else nullopt.
std::optional<std::string> detail_mailbox(store::MailStore& store, store::AccountId account, std::string_view detail);

// For a name under "Other Users/" or "Shared Folders/": the target when the mailbox exists and
// `poster` (the script owner's address, of account `poster_account`) holds "p" or "i" on it;
// nullopt otherwise, and for personal names.
std::optional<store::Target> foreign_target(store::MailStore& store, const FindAccount& find_account,
                                            store::AccountId poster_account, std::string_view poster,
                                            std::string_view name);

}  // namespace postamt::delivery
