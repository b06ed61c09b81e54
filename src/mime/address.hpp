// RFC 5322 §3.4 address lists (mailboxes, groups, obsolete routes §4.4), tolerant of common
// breakage, as needed for the IMAP ENVELOPE address structures (RFC 3501 §7.4.2).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace postamt::mime {

struct Address {
  enum class Kind { Mailbox, GroupStart, GroupEnd };
  Kind kind = Kind::Mailbox;
  std::string name;     // display name (quotes removed, encoded-words kept); the group name for GroupStart
  std::string route;    // obsolete source route "@a.example,@b.example"
  std::string mailbox;  // local part (a quoted local part keeps its quotes)
  std::string host;     // domain; empty when the address had none
};

// Parses an unfolded address-list field value. Never fails; unparsable pieces are skipped.
std::vector<Address> parse_address_list(std::string_view value);

}  // namespace postamt::mime
