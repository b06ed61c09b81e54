// Turns the bytes handed to delivery into a storable RFC 5322 message: CRLF line endings
// (RFC 5322 §2.1), a sanity check that it is a message at all, and the Return-Path trace field
// (RFC 5321 §4.4) added at final delivery.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace postamt::delivery {

// Converts bare LF and bare CR line endings to CRLF; CRLF stays as is.
std::string normalize_crlf(std::string_view message);

// Why the bytes cannot be delivered as a message, or nullopt when they can. Tolerable defects
// (broken MIME boundaries, 8-bit headers, long lines) are accepted; refused are: an empty message,
// a NUL byte in the header section, and a first line that is not a header field (no "name:" with
// printable name characters), since such input is not RFC 5322 mail.
std::optional<std::string> refuse_reason(std::string_view message);

// "Return-Path: <sender>\r\n" (an empty sender gives "<>").
std::string return_path_field(std::string_view envelope_sender);

// Removes an mbox "From sender date" envelope line at the very start (as MTAs' pipe transports may
// add one); dovecot-lda does the same.
std::string_view strip_mbox_from_line(std::string_view message);

// The address of a Return-Path field at the very top of the header (after an optional mbox "From "
// line), without angle brackets: the envelope sender when the caller gave none (as dovecot-lda does).
std::optional<std::string> leading_return_path(std::string_view message);

// Removes any Return-Path fields at the very top of the header (RFC 5321 §4.4: the delivering MTA
// replaces them) and returns the rest.
std::string_view strip_leading_return_path(std::string_view message);

}  // namespace postamt::delivery
