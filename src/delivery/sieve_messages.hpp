// The messages Sieve actions make at delivery: the redirected copy with its loop marker (RFC 5228
// §4.2, §10), the vacation reply (RFC 5230 §5, RFC 3834 §3), the rejection notice — an MDN for
// reject (RFC 5429 §2.2.1, RFC 8098) or a DSN for ereject (RFC 5429 §2.1.2, RFC 3464) — and the
// reason text of a protocol-level refusal (RFC 5429 §2.5).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mime/message.hpp"
#include "sieve/sieve.hpp"

namespace postamt::delivery {

// The trace field delivery adds to a message it redirects: "X-Sieve-Redirected-By: <address>".
inline constexpr std::string_view kRedirectMarker = "X-Sieve-Redirected-By";
// A message carrying more markers than this is not redirected again, whoever redirects it.
inline constexpr std::size_t kMaxRedirectMarkers = 8;

// True when `address`'s script already redirected this message (its marker is in the header) or
// the message went through too many redirects: redirecting it again would loop (RFC 5228 §10).
bool redirect_would_loop(std::string_view message, const mime::Message& parsed, std::string_view address);

// The message as it leaves again: the leading Return-Path (ours, RFC 5321 §4.4) removed, and for a
// redirect our marker for `redirected_by` on top ("" = none, for alias forwarding).
std::string outgoing_copy(std::string_view stored, std::string_view redirected_by);

// RFC 5230 §5: the reply to the original's envelope sender. `action` is the Vacation action;
// `user` the address it is sent from when the script gave no :from.
std::string vacation_reply(const sieve::Action& action, std::string_view user, std::string_view original,
                           const mime::Message& parsed, const std::string& hostname, std::int64_t now);

// The report sent to `envelope_from` when `recipient` rejected the message and the refusal could not
// be given in protocol: an MDN (reject) or a DSN (ereject), with the original message attached (its
// header only when it exceeds kMaxReturnedMessage).
inline constexpr std::size_t kMaxReturnedMessage = 1 << 20;
std::string rejection_notice(const sieve::Action& action, std::string_view envelope_from, std::string_view recipient,
                             std::string_view original, const mime::Message& parsed, const std::string& hostname,
                             std::int64_t now);

// RFC 5429 §2.5: the reason as SMTP/LMTP reply text — lines separated by '\n', printable US-ASCII,
// at most 10 lines. For reject a reason with non-ASCII text cannot be given in protocol (§2.2):
// nullopt; for ereject such text is replaced by a fixed ASCII sentence (§2.1.1).
std::optional<std::string> protocol_reason(const sieve::Action& action);

}  // namespace postamt::delivery
