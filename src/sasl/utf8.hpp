// UTF-8 well-formedness check (RFC 3629 §4) for SASL identities and passwords, which RFC 4616 §2
// and RFC 5802 §5.1 require to be UTF-8.
#pragma once
#include <string_view>

namespace postamt::sasl {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool valid_utf8(std::string_view s);

}  // namespace postamt::sasl
