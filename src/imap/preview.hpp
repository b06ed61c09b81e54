// PREVIEW (RFC 8970): a short plain-text extract of a message for the client's message list.
#pragma once
#include <string>
#include <string_view>

#include "mime/message.hpp"

namespace postamt::imap {

// At most kPreviewChars characters (RFC 8970 §3.1 allows 256) of the first text part that is not an
// attachment: text/plain preferred, else text/html with tags, comments and entities reduced; transfer
// encoding removed, converted to UTF-8 from its charset, whitespace runs collapsed to one space.
// "" when the message has no text (RFC 8970 §3.2: an empty string, not NIL).
inline constexpr std::size_t kPreviewChars = 200;
std::string preview(std::string_view raw, const mime::Message& parsed);

}  // namespace postamt::imap
