// IMAP ENVELOPE (RFC 3501 §7.4.2, RFC 9051 §7.5.2): date, subject, from, sender, reply-to, to,
// cc, bcc, in-reply-to, message-id from a header section; values stay raw (encoded-words kept).
#include <array>
#include <optional>

#include "common/strings.hpp"
#include "mime/address.hpp"
#include "mime/imap_string.hpp"
#include "mime/message.hpp"

namespace postamt::mime {
namespace {

enum Field { kDate, kSubject, kFrom, kSender, kReplyTo, kTo, kCc, kBcc, kInReplyTo, kMessageId, kFieldCount };
constexpr std::array<std::string_view, kFieldCount> kNames = {
    "Date", "Subject", "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "In-Reply-To", "Message-ID"};

// Absent -> NIL; present but empty -> "" (RFC 3501 §7.4.2 ENVELOPE).
void append_field(std::string& out, const std::optional<std::string>& v) {
  if (!v) {
    out += "NIL";
  } else {
    append_imap_string(out, *v);
  }
}

void append_addresses(std::string& out, const std::vector<Address>& list) {
  if (list.empty()) {
    out += "NIL";
    return;
  }
  out += '(';
  for (const auto& a : list) {
    switch (a.kind) {
      case Address::Kind::GroupStart:  // group start: (NIL NIL "name" NIL)
        out += "(NIL NIL ";
        append_imap_string(out, a.name);
        out += " NIL)";
        break;
      case Address::Kind::GroupEnd:  // group end: (NIL NIL NIL NIL)
        out += "(NIL NIL NIL NIL)";
        break;
      case Address::Kind::Mailbox:
        // mailbox and host are never NIL here: NIL host marks group syntax
        out += '(';
        append_imap_nstring(out, a.name);
        out += ' ';
        append_imap_nstring(out, a.route);
        out += ' ';
        append_imap_string(out, a.mailbox);
        out += ' ';
        append_imap_string(out, a.host);
        out += ')';
        break;
    }
  }
  out += ')';
}

}  // namespace

std::string envelope(std::string_view raw, const Part& part) {
  std::array<std::optional<std::string>, kFieldCount> v;
  for (auto& [name, value] : header_fields(raw, part)) {
    for (std::size_t i = 0; i < kFieldCount; ++i)
      if (!v[i] && str::iequals(name, kNames[i])) v[i] = std::move(value);
  }
  auto addrs = [&](Field f) { return v[f] ? parse_address_list(*v[f]) : std::vector<Address>{}; };
  std::vector<Address> from = addrs(kFrom), sender = addrs(kSender), reply_to = addrs(kReplyTo);
  // RFC 3501 §7.4.2: absent or empty Sender / Reply-To take the value of From
  if (sender.empty()) sender = from;
  if (reply_to.empty()) reply_to = from;

  std::string out = "(";
  append_field(out, v[kDate]);
  out += ' ';
  append_field(out, v[kSubject]);
  out += ' ';
  append_addresses(out, from);
  out += ' ';
  append_addresses(out, sender);
  out += ' ';
  append_addresses(out, reply_to);
  out += ' ';
  append_addresses(out, addrs(kTo));
  out += ' ';
  append_addresses(out, addrs(kCc));
  out += ' ';
  append_addresses(out, addrs(kBcc));
  out += ' ';
  append_field(out, v[kInReplyTo]);
  out += ' ';
  append_field(out, v[kMessageId]);
  out += ')';
  return out;
}

std::string envelope(std::string_view raw, const Message& m) { return envelope(raw, m.root); }

}  // namespace postamt::mime
