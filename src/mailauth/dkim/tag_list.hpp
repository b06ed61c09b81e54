// DKIM tag=value lists (RFC 6376 §3.2), also used by DMARC records (RFC 7489 §6.4): tag names are
// case-sensitive, values have surrounding FWS removed, a duplicate tag makes the list invalid.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace postamt::mailauth {

using TagList = std::map<std::string, std::string>;

// nullopt (with `error`) on a syntax error or duplicate tag.
std::optional<TagList> parse_tag_list(std::string_view text, std::string* error = nullptr);

// Removes every FWS character (SP, HTAB, CR, LF) from a value such as b=, bh= or p= (§3.5 "b=").
std::string strip_fws(std::string_view value);

}  // namespace postamt::mailauth
