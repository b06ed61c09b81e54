// RFC 7352 duplicate test: the id is :uniqueid, the :header value or Message-ID (§3.1), scoped by
// :handle (§3.2); :seconds and :last (§3.3). Ids to record are returned in Result::duplicate_ids
// and recorded by delivery only after the script ran successfully (§3.1).
#include "common/strings.hpp"
#include "sieve/interpreter.hpp"
#include "sieve/text.hpp"
#include "sieve/validator.hpp"

namespace postamt::sieve::detail {
namespace {

bool eval_duplicate(Interpreter& in, const Node& n) {
  std::string value;
  if (n.has("uniqueid")) {
    value = in.tag_string(n, "uniqueid");
  } else {
    std::string header = n.has("header") ? in.tag_string(n, "header") : "Message-ID";
    auto values = in.header_values(header);
    if (values.empty()) return false;  // nothing to track
    value = std::string(str::trim(values.front()));
  }
  std::uint64_t seconds = in.limits.duplicate_default_seconds;
  if (const Value* s = n.tag("seconds")) seconds = std::min<std::uint64_t>(s->number, in.limits.duplicate_max_seconds);
  std::string id = in.tag_string(n, "handle") + '\x1f' + value;
  bool seen = in.env.duplicate_seen(id, seconds);
  // §3.3: without :last the period runs from the first occurrence, so a seen id is not refreshed.
  if (!seen || n.has("last")) in.track_duplicate(std::move(id), seconds);
  return seen;
}

void validate_duplicate(Validator& v, Node& n) {
  if (const Value* h = n.tag("header"); h && !h->strings.empty() && v.constant(h->str()) && !is_field_name(h->str()))
    v.error(*h, "invalid header name \"" + h->str() + "\"");
}

}  // namespace

void add_duplicate(Registry& r) {
  r.test({.name = "duplicate",
          .capability = "duplicate",
          .tags = {{"handle", ArgType::String, "", ""},
                   {"header", ArgType::String, "id", ""},
                   {"uniqueid", ArgType::String, "id", ""},
                   {"seconds", ArgType::Number, "", ""},
                   {"last", std::nullopt, "", ""}},
          .validate = validate_duplicate,
          .eval = eval_duplicate});
}

}  // namespace postamt::sieve::detail
