// Posting rights of delivery (see posting_rights.hpp; RFC 4314 §2.1 "p", RFC 2342 §5 names).
#include "delivery/posting_rights.hpp"

#include "store/acl.hpp"
#include "store/mail_store.hpp"
#include "store/mailbox_names.hpp"

namespace postamt::delivery {

std::string recipient_detail(std::string_view recipient, char delimiter) {
  if (delimiter == '\0') return "";
  auto at = recipient.rfind('@');
  std::string_view local = recipient.substr(0, at);
  auto pos = local.find(delimiter);
  if (pos == std::string_view::npos) return "";
  return std::string(local.substr(pos + 1));
}

std::optional<std::string> detail_mailbox(store::MailStore& store, store::AccountId account, std::string_view detail) {
  if (detail.empty() || detail.size() > store::kMaxMailboxNameLength) return std::nullopt;
  auto info = store.mailbox(account, detail);
  if (!info) return std::nullopt;
  // "anyone"'s own entry is all a sender from outside can have (RFC 4314 §2: the union with anyone).
  auto rights = store.rights(account, info->name, store::kAnyone);
  if (!rights || !store::acl::has(*rights, 'p')) return std::nullopt;
  return info->name;
}

std::optional<store::Target> foreign_target(store::MailStore& store, const FindAccount& find_account,
                                            store::AccountId poster_account, std::string_view poster,
                                            std::string_view name) {
  auto foreign = store::foreign_name(name);
  if (!foreign || foreign->inner.empty() || foreign->inner.size() > store::kMaxMailboxNameLength) return std::nullopt;
  store::AccountId account = store::kPublicAccount;
  if (!foreign->public_folder) {
    auto found = find_account ? find_account(foreign->owner) : std::nullopt;
    if (!found) return std::nullopt;
    account = *found;
  }
  try {
    auto info = store.mailbox(account, foreign->inner);
    if (!info) return std::nullopt;
    if (account != poster_account) {
      auto rights = store.rights(account, info->name, poster);
      if (!rights || !(store::acl::has(*rights, 'p') || store::acl::has(*rights, 'i'))) return std::nullopt;
    }
    return store::Target{account, info->name, {}};
  } catch (const store::NoSuchAccount&) {
    return std::nullopt;  // no public folder yet, or an account being deleted
  }
}

}  // namespace postamt::delivery
