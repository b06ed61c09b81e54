// The state of one mail transaction (RFC 5321 §3.3): MAIL's reverse path and parameters, the accepted
// recipients with their DSN parameters (RFC 3461 §4, recorded for the queue) and BDAT chunks so far.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "smtp/protocol/address.hpp"
#include "smtp/protocol/params.hpp"

namespace postamt::smtp {

struct Recipient {
  std::string address;  // the forward path as accepted (local@domain, postmaster@primary for <Postmaster>)
  bool local = true;    // a local user or alias (false: relayed, for the outbound queue)
  std::optional<protocol::Notify> notify;
  std::optional<protocol::Orcpt> orcpt;
};

struct Transaction {
  protocol::Path from;
  protocol::MailParams params;
  std::vector<Recipient> recipients;
  // CHUNKING (RFC 3030 §2): BDAT chunks received so far; once used, DATA is refused for this transaction.
  bool bdat = false;
  std::string chunks;
  bool chunks_too_big = false;
};

}  // namespace postamt::smtp
