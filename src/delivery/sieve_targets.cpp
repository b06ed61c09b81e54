// Sieve actions → what delivery does (see sieve_targets.hpp; RFC 5228 §4.1-4.3, RFC 5232 §5-6,
// RFC 5490 §3.2 fileinto :create).
#include "delivery/sieve_targets.hpp"

#include <algorithm>

#include "common/strings.hpp"
#include "store/mailbox_names.hpp"

namespace postamt::delivery {
namespace {

bool starts_with_inbox_dot(std::string_view name) {
  return name.size() > 6 && (name[0] | 0x20) == 'i' && (name[1] | 0x20) == 'n' && (name[2] | 0x20) == 'b' &&
         (name[3] | 0x20) == 'o' && (name[4] | 0x20) == 'x' && name[5] == '.';
}

}  // namespace

std::string map_fileinto_mailbox(std::string_view name, const MailboxExists& exists) {
  if (name.empty()) return "INBOX";
  if (exists(name)) return std::string(name);
  if (starts_with_inbox_dot(name)) {
    std::string mapped = created_mailbox_name(name);
    if (!mapped.empty() && exists(mapped)) return mapped;
  }
  return "INBOX";
}

std::string created_mailbox_name(std::string_view name) {
  if (!starts_with_inbox_dot(name)) return std::string(name);
  std::string mapped(name.substr(6));
  std::replace(mapped.begin(), mapped.end(), '.', store::kHierarchyDelimiter);
  return mapped;
}

SieveDisposition sieve_targets(const std::vector<sieve::Action>& actions, store::AccountId account,
                               const std::string& default_mailbox, const MailboxExists& exists,
                               const ForeignTarget& foreign) {
  SieveDisposition out;
  auto add_to = [&](store::AccountId where, std::string mailbox, const std::vector<std::string>& flags) {
    for (const auto& t : out.targets)
      if (t.account == where && t.mailbox == mailbox) return;
    out.targets.push_back({where, std::move(mailbox), flags});
  };
  auto add = [&](std::string mailbox, const std::vector<std::string>& flags) { add_to(account, std::move(mailbox), flags); };
  for (const auto& a : actions) {
    switch (a.kind) {
      case sieve::Action::Kind::Keep:
        add(default_mailbox, a.flags);
        break;
      case sieve::Action::Kind::FileInto: {
        if (store::foreign_name(a.mailbox)) {
          // RFC 4314 "p": another user's or a public folder, only with the right to post there.
          auto target = foreign ? foreign(a.mailbox) : std::nullopt;
          if (target) add_to(target->account, std::move(target->mailbox), a.flags);
          else add("INBOX", a.flags);
          break;
        }
        std::string mailbox = map_fileinto_mailbox(a.mailbox, exists);
        // RFC 5490 §3.2: :create makes a missing mailbox instead of falling back to INBOX.
        if (a.create && str::iequals(mailbox, "INBOX") && !str::iequals(a.mailbox, "INBOX")) {
          std::string created = created_mailbox_name(a.mailbox);
          if (!created.empty() && created.back() != store::kHierarchyDelimiter) {
            out.create.push_back(created);
            mailbox = created;
          }
        }
        add(std::move(mailbox), a.flags);
        break;
      }
      case sieve::Action::Kind::Discard:
        break;
      case sieve::Action::Kind::Redirect:
        out.redirects.push_back(a.address);
        break;
      case sieve::Action::Kind::Reject:
      case sieve::Action::Kind::Ereject:
        out.reject = a;
        break;
      case sieve::Action::Kind::Vacation:
        out.vacation = a;
        break;
    }
  }
  return out;
}

}  // namespace postamt::delivery
