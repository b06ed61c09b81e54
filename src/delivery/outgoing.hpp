// Mail that delivery itself sends on through the outbound queue: Sieve redirects (RFC 5228 §4.2),
// vacation replies (RFC 5230 §5), rejection notices (RFC 5429 §2.1.2, §2.2.1) and alias targets
// outside our domains. The queue is reached through a callback so delivery does not depend on it.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace postamt::delivery {

struct Outgoing {
  std::string kind;                     // "redirect", "alias", "vacation", "reject" (logs)
  std::string sender;                   // envelope sender; "" is the null reverse-path
  std::vector<std::string> recipients;  // envelope recipients
  std::string message;                  // the whole message, CRLF line ends
  bool notice = false;                  // a report we generated (never bounced itself)

  // Whether we wrote the message (vacation reply, rejection notice) rather than pass on someone
  // else's (redirect, alias): only our own may be DKIM-signed with our keys, or a message that came
  // in with a forged From of our domain would leave with our signature.
  bool authored() const { return kind != "redirect" && kind != "alias"; }

  // Whether the message has 8-bit octets (queued with BODY=8BITMIME, RFC 6152).
  bool eight_bit() const {
    for (char c : message)
      if (static_cast<unsigned char>(c) >= 0x80) return true;
    return false;
  }
};

// Writes the message durably into the outbound queue and returns its queue id; throws when it
// cannot (the caller then treats mail it carried as a temporary failure).
using Enqueue = std::function<std::string(const Outgoing&)>;

}  // namespace postamt::delivery
