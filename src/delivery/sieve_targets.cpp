// Sieve actions → store targets (see sieve_targets.hpp; RFC 5228 §4.1-4.3, RFC 5232 §5-6).
#include "delivery/sieve_targets.hpp"

#include <algorithm>

namespace postamt::delivery {
namespace {

bool starts_with_inbox_dot(std::string_view name) {
  return name.size() > 6 && (name[0] | 0x20) == 'i' && (name[1] | 0x20) == 'n' && (name[2] | 0x20) == 'b' &&
         (name[3] | 0x20) == 'o' && (name[4] | 0x20) == 'x' && name[5] == '.';
}

const char* kind_name(sieve::Action::Kind k) {
  switch (k) {
    case sieve::Action::Kind::Keep: return "keep";
    case sieve::Action::Kind::FileInto: return "fileinto";
    case sieve::Action::Kind::Redirect: return "redirect";
    case sieve::Action::Kind::Discard: return "discard";
    case sieve::Action::Kind::Reject: return "reject";
    case sieve::Action::Kind::Ereject: return "ereject";
    case sieve::Action::Kind::Vacation: return "vacation";
  }
  return "unknown";
}

}  // namespace

std::string map_fileinto_mailbox(std::string_view name, const MailboxExists& exists) {
  if (name.empty()) return "INBOX";
  if (exists(name)) return std::string(name);
  if (starts_with_inbox_dot(name)) {
    std::string mapped(name.substr(6));
    std::replace(mapped.begin(), mapped.end(), '.', store::kHierarchyDelimiter);
    if (!mapped.empty() && exists(mapped)) return mapped;
  }
  return "INBOX";
}

SieveDisposition sieve_targets(const std::vector<sieve::Action>& actions, store::AccountId account,
                               const std::string& default_mailbox, const MailboxExists& exists) {
  SieveDisposition out;
  bool need_keep = false;
  std::vector<std::string> keep_flags;
  auto add = [&](std::string mailbox, const std::vector<std::string>& flags) {
    for (const auto& t : out.targets)
      if (t.mailbox == mailbox) return;
    out.targets.push_back({account, std::move(mailbox), flags});
  };
  for (const auto& a : actions) {
    switch (a.kind) {
      case sieve::Action::Kind::Keep:
        add(default_mailbox, a.flags);
        break;
      case sieve::Action::Kind::FileInto:
        add(map_fileinto_mailbox(a.mailbox, exists), a.flags);
        break;
      case sieve::Action::Kind::Discard:
        break;
      case sieve::Action::Kind::Redirect:
      case sieve::Action::Kind::Reject:
      case sieve::Action::Kind::Ereject:
      case sieve::Action::Kind::Vacation:
        out.unsupported.emplace_back(kind_name(a.kind));
        if (!need_keep) keep_flags = a.flags;
        need_keep = true;
        break;
    }
  }
  if (need_keep) add(default_mailbox, keep_flags);
  return out;
}

}  // namespace postamt::delivery
