// OBJECTID (RFC 8474): MAILBOXID, EMAILID and THREADID values. Every id starts with a letter that
// says its kind (RFC 8474 §7: no leading digit or dash, EMAILIDs and THREADIDs never equal).
#pragma once
#include <string>
#include <string_view>

#include "mime/message.hpp"
#include "store/types.hpp"

namespace postamt::imap {

// "F<row>-<uidvalidity>": kept by RENAME (same row, same UIDVALIDITY); a mailbox created again gets a
// new UIDVALIDITY, so an id is never reused for a different mailbox (RFC 8474 §4).
std::string mailbox_id(const store::MailboxInfo& box);

// "M" + the first 96 bits of the message's content hash: the same for a message and its copies, and
// (allowed by RFC 8474 §5.1) for messages with identical bytes.
std::string email_id(const store::MessageInfo& message);

// "T" + 96 bits of the SHA-256 of the thread's root Message-ID: the first msg-id of References, else of
// In-Reply-To, else the message's own Message-ID; a message without any gets its own thread derived from
// its content hash. A function of the bytes only, so it never changes once reported (RFC 8474 §5.2).
std::string thread_id(std::string_view raw, const mime::Message& parsed, const store::MessageInfo& message);

// Whether `id` is a syntactically valid objectid (RFC 8474 §9: 1*255 ALPHA / DIGIT / "_" / "-").
bool is_object_id(std::string_view id);

}  // namespace postamt::imap
