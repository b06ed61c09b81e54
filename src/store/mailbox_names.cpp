// Mailbox names (see mailbox_names.hpp). RFC 9051 §5.1 (naming, INBOX), RFC 6154 §2 (special use).
#include "store/mailbox_names.hpp"

#include <algorithm>

#include "common/strings.hpp"
#include "store/types.hpp"

namespace postamt::store {

std::string lookup_name(std::string_view name) {
  // RFC 9051 §5.1: INBOX is case-insensitive; like Dovecot, so is the INBOX of "INBOX/child".
  if (str::iequals(name, "INBOX")) return "INBOX";
  if (name.size() > 6 && str::istarts_with(name, "INBOX") && name[5] == kHierarchyDelimiter)
    return "INBOX" + std::string(name.substr(5));
  return std::string(name);
}

std::string valid_new_name(std::string_view name) {
  if (name.empty()) throw Error("empty mailbox name");
  if (name.size() > kMaxMailboxNameLength) throw Error("mailbox name too long");
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) throw Error("mailbox name contains a control character");
    if (c == '%' || c == '*') throw Error("mailbox name contains a LIST wildcard (% or *)");
  }
  auto parts = str::split(name, kHierarchyDelimiter);
  if (parts.size() > kMaxMailboxDepth) throw Error("mailbox hierarchy too deep");
  if (std::any_of(parts.begin(), parts.end(), [](std::string_view p) { return p.empty(); }))
    throw Error("mailbox name has an empty hierarchy level: '" + std::string(name) + "'");
  return lookup_name(name);
}

bool is_inbox(std::string_view canonical) { return canonical == "INBOX"; }

std::vector<std::string> superiors(std::string_view canonical) {
  std::vector<std::string> out;
  for (std::size_t p = canonical.find(kHierarchyDelimiter); p != std::string_view::npos;
       p = canonical.find(kHierarchyDelimiter, p + 1))
    out.emplace_back(canonical.substr(0, p));
  return out;
}

std::string valid_special_use(std::string_view attribute) {
  static constexpr std::string_view kKnown[] = {"\\All", "\\Archive", "\\Drafts", "\\Flagged",
                                                "\\Junk", "\\Sent", "\\Trash"};
  if (attribute.empty()) return {};
  for (auto k : kKnown)
    if (str::iequals(k, attribute)) return std::string(k);
  throw Error("unknown special-use attribute '" + std::string(attribute) + "'");
}

namespace {
bool in_namespace(std::string_view name, std::string_view prefix) {
  return name.size() >= prefix.size() && name.compare(0, prefix.size(), prefix) == 0 &&
         (name.size() == prefix.size() || name[prefix.size()] == kHierarchyDelimiter);
}
std::string_view after_prefix(std::string_view name, std::string_view prefix) {
  return name.size() > prefix.size() ? name.substr(prefix.size() + 1) : std::string_view();
}
}  // namespace

std::optional<ForeignName> foreign_name(std::string_view name) {
  if (in_namespace(name, kSharedFoldersNamespace))
    return ForeignName{true, "", std::string(after_prefix(name, kSharedFoldersNamespace))};
  if (!in_namespace(name, kOtherUsersNamespace)) return std::nullopt;
  std::string_view rest = after_prefix(name, kOtherUsersNamespace);
  auto slash = rest.find(kHierarchyDelimiter);
  if (slash == std::string_view::npos) return ForeignName{false, std::string(rest), ""};
  return ForeignName{false, std::string(rest.substr(0, slash)), std::string(rest.substr(slash + 1))};
}

}  // namespace postamt::store
