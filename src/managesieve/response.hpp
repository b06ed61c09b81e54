// ManageSieve responses (RFC 5804 §1.2, §1.3, §4): OK/NO/BYE with an optional response code and a
// human-readable string, and strings sent as quoted (when they fit) or as server literals "{n}".
#pragma once
#include <string>
#include <string_view>

namespace postamt::managesieve {

// RFC 5804 §1.3 response codes.
namespace code {
inline constexpr std::string_view kAuthTooWeak = "AUTH-TOO-WEAK";
inline constexpr std::string_view kEncryptNeeded = "ENCRYPT-NEEDED";
inline constexpr std::string_view kQuota = "QUOTA";
inline constexpr std::string_view kQuotaMaxScripts = "QUOTA/MAXSCRIPTS";
inline constexpr std::string_view kQuotaMaxSize = "QUOTA/MAXSIZE";
inline constexpr std::string_view kTransitionNeeded = "TRANSITION-NEEDED";
inline constexpr std::string_view kTryLater = "TRYLATER";
inline constexpr std::string_view kActive = "ACTIVE";
inline constexpr std::string_view kNonexistent = "NONEXISTENT";
inline constexpr std::string_view kAlreadyExists = "ALREADYEXISTS";
inline constexpr std::string_view kWarnings = "WARNINGS";
}  // namespace code

// `s` as a quoted string when it is at most 1024 octets without CR, LF or NUL (RFC 5804 §4 quoted),
// otherwise as a literal-s2c "{n}" CRLF followed by the octets.
std::string string_token(std::string_view s);

// "OK", "NO" or "BYE", then " (code)" when `code` is not empty (already formatted, e.g. "TAG " +
// string_token(tag) or "SASL \"...\""), then " " + string_token(text) when `text` is not empty; CRLF.
std::string ok(std::string_view text = {}, std::string_view code = {});
std::string no(std::string_view text, std::string_view code = {});
std::string bye(std::string_view text, std::string_view code = {});

}  // namespace postamt::managesieve
