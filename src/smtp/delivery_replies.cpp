// Delivery outcome -> SMTP/LMTP replies (see delivery_replies.hpp; RFC 3463 enhanced codes).
#include "smtp/delivery_replies.hpp"

#include <algorithm>
#include <string>

namespace postamt::smtp {

using delivery::Status;
using protocol::Reply;

Reply recipient_reply(const delivery::RecipientResult& r, std::string_view id) {
  std::string who = "<" + r.recipient + ">";
  std::string why = r.reason.empty() ? std::string() : ": " + r.reason;
  switch (r.status) {
    case Status::Delivered: return Reply{250, "2.0.0", who + " delivered, id " + std::string(id)};
    case Status::UnknownUser: return Reply{550, "5.1.1", who + " User unknown" + why};
    case Status::NotLocal: return Reply{550, "5.1.2", who + " Not a local domain" + why};
    case Status::TooBig: return Reply{552, "5.3.4", who + " Message too big" + why};
    case Status::BadMessage: return Reply{554, "5.6.0", who + " Message refused" + why};
    case Status::Rejected:
      // RFC 5429 §2.5: the script's reason (US-ASCII lines, one reply line each) with 5.7.1.
      return Reply{550, "5.7.1", who + " " + (r.reason.empty() ? std::string("Message rejected") : r.reason)};
    case Status::OverQuota:  // RFC 3463 X.2.2 mailbox full; 452: try again later (RFC 5321 §4.2.2)
      return Reply{452, "4.2.2", who + " Mailbox full, try again later" + why};
    case Status::OverQuotaPermanent: return Reply{552, "5.2.2", who + " Mailbox full" + why};
    case Status::TempFailure: break;
  }
  return Reply{451, "4.3.0", who + " Temporary failure, try again later" + why};
}

Reply summary_reply(const std::vector<delivery::RecipientResult>& results, std::string_view id) {
  auto is = [](Status st) { return [st](const delivery::RecipientResult& r) { return r.status == st; }; };
  if (results.empty()) return Reply{451, "4.3.0", "Temporary failure, try again later"};
  auto temporary = [](const delivery::RecipientResult& r) {
    return r.status == Status::TempFailure || r.status == Status::OverQuota;
  };
  if (auto it = std::find_if(results.begin(), results.end(), temporary); it != results.end())
    return recipient_reply(*it, id);
  if (std::any_of(results.begin(), results.end(), is(Status::Delivered)))
    return Reply{250, "2.0.0", "Message accepted, id " + std::string(id)};
  Reply first = recipient_reply(results.front(), id);
  // One reply speaks for all recipients: drop the single recipient's name unless there is only one.
  if (results.size() > 1) first.text = first.text.substr(first.text.find('>') + 2);
  return first;
}

}  // namespace postamt::smtp
