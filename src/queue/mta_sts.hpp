// MTA-STS (RFC 8461), the pure parts: the "_mta-sts" TXT record (§3.1), the policy file (§3.2), MX
// host matching (§4.1) and when a cached policy may be used or must be fetched again (§3.3, §5.1).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postamt::queue::mta_sts {

// §3.3: "a suggested maximum policy size is 64 kilobytes".
constexpr std::size_t kMaxPolicySize = 64 * 1024;
// §3.2: max_age is at most 31557600 seconds (a year).
constexpr std::int64_t kMaxMaxAge = 31557600;
// Bounds of our own: mx lines kept, the length of one line.
constexpr std::size_t kMaxMxPatterns = 100;
// §3.3: a cached policy is refreshed proactively, "a suggested refresh frequency is once per day".
constexpr std::int64_t kRefreshSeconds = 86400;
// §3.3: after a failed fetch, wait "five minutes or longer per version ID" before the next.
constexpr std::int64_t kFetchRetrySeconds = 300;

// The id of one valid STSv1 TXT record; nullopt when `txt` is not one (§3.1 ABNF).
std::optional<std::string> parse_record(std::string_view txt);
// §3.1: of all TXT records at _mta-sts.<domain>, those not beginning with "v=STSv1;" are dropped; the
// policy id when exactly one valid record remains, else nullopt (no policy).
std::optional<std::string> select_record(const std::vector<std::string>& txts);

enum class Mode { Enforce, Testing, None };
const char* to_string(Mode m);

struct Policy {
  Mode mode = Mode::None;
  std::vector<std::string> mx;  // patterns, lower case: "mail.example.com" or "*.example.net"
  std::int64_t max_age = 0;     // seconds
};

struct ParseResult {
  std::optional<Policy> policy;
  std::string error;  // why not, when policy is empty
};

// §3.2: CRLF- or LF-separated "key: value" lines; version, mode and max_age required (the first of
// duplicates counts), at least one mx unless mode is none, unknown keys ignored. Bounded by
// kMaxPolicySize.
ParseResult parse_policy(std::string_view body);

// §4.1: `pattern` ("host" or "*.suffix", RFC 6125 left-most label wildcard) matches `host`.
// Case-insensitive, a trailing dot on `host` ignored.
bool host_matches(std::string_view pattern, std::string_view host);
// Whether any mx pattern of `policy` matches `host`.
bool mx_allowed(const Policy& policy, std::string_view host);

// A policy as cached (§5.1): the TXT id it was fetched under and when.
struct Cached {
  std::string id;
  Policy policy;
  std::int64_t fetched = 0;  // unix seconds of the fetch
  bool expired(std::int64_t now) const { return now >= fetched + policy.max_age; }
};

// What to do for a domain given the cache entry, the TXT id found now (nullopt: no usable record)
// and the last failed fetch for that id (0: none).
enum class Step {
  NoPolicy,   // deliver as without MTA-STS
  UseCached,  // apply the cached policy
  Fetch,      // fetch the policy now (on failure: the cached one if not expired, else none)
};
Step decide(const std::optional<Cached>& cached, const std::optional<std::string>& txt_id, std::int64_t now,
            std::int64_t last_failed_fetch = 0);

// Content-Type check of §3.2: "text/plain", parameters other than a non-UTF-8/ASCII charset ignored.
bool content_type_ok(std::string_view content_type);

}  // namespace postamt::queue::mta_sts
