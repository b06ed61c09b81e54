// The replies for the outcome of delivering one message: one per recipient for LMTP (RFC 2033 §4.2)
// and one summary for SMTP (RFC 5321 §4.2.5: 250 only when every recipient's copy is stored).
#pragma once
#include <string_view>
#include <vector>

#include "delivery/pipeline.hpp"
#include "smtp/protocol/reply.hpp"

namespace postamt::smtp {

// Delivered -> 250 2.0.0, UnknownUser -> 550 5.1.1, NotLocal -> 550 5.1.2, TooBig -> 552 5.3.4,
// BadMessage -> 554 5.6.0, TempFailure -> 451 4.3.0, Rejected (Sieve, RFC 5429 §2.5) -> 550 5.7.1 with
// the script's reason (RFC 3463 codes); the text names the recipient.
protocol::Reply recipient_reply(const delivery::RecipientResult& result, std::string_view id);

// SMTP: 250 when every recipient was delivered, or some were and the others failed permanently (a
// recipient that vanished between RCPT and DATA; logged by the caller); 451 when any failed temporarily
// (the client retries the whole message: a duplicate is better than a loss); else the first permanent
// failure. An empty list gives 451.
protocol::Reply summary_reply(const std::vector<delivery::RecipientResult>& results, std::string_view id);

}  // namespace postamt::smtp
