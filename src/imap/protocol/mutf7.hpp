// Modified UTF-7 mailbox names (RFC 3501 §5.1.3, kept by RFC 9051 §5.1 for clients without
// UTF8=ACCEPT): strict decoding (canonical form only) and encoding; UTF-8 validation.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace postamt::imap::protocol {

// UTF-8 -> modified UTF-7 ("Entwürfe" -> "Entw&APw-rfe"). nullopt when `utf8` is not valid UTF-8.
std::optional<std::string> mutf7_encode(std::string_view utf8);
// Modified UTF-7 -> UTF-8. nullopt for anything not in canonical form: raw 8-bit or control
// octets, bad base64, padding, non-zero leftover bits, broken surrogates, encoded printable
// ASCII, an unterminated "&...", or adjacent encoded runs ("&AOQ-&APY-").
std::optional<std::string> mutf7_decode(std::string_view mutf7);
// A mailbox name as the client sent it -> UTF-8: modified UTF-7 decoded strictly, or, once the
// client enabled UTF8=ACCEPT / IMAP4rev2 (`utf8`), checked to be well-formed UTF-8 (RFC 6855 §3).
std::optional<std::string> decode_mailbox_name(std::string_view wire, bool utf8);
// RFC 3629 well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
bool is_valid_utf8(std::string_view s);

}  // namespace postamt::imap::protocol
