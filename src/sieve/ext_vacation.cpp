// RFC 5230 vacation (and RFC 6131 :seconds): builds the Vacation action after the response rules
// of RFC 3834 §2 and RFC 5230 §4.5/§4.6 (personal mail only, never to lists, bulk, bounces or
// auto-submitted mail) and the per-sender/handle interval check (§4.1, §4.2).
#include "common/strings.hpp"
#include "mime/address.hpp"
#include "sieve/interpreter.hpp"
#include "sieve/text.hpp"
#include "sieve/validator.hpp"

namespace postamt::sieve {
namespace detail {
namespace {

std::string bare_lower(std::string_view a) { return str::to_lower(str::trim(a)); }

// Same mailbox, ignoring case and a "+detail" on either side (RFC 5233).
bool same_address(std::string_view a, std::string_view b) {
  auto strip = [](std::string s) {
    auto at = s.rfind('@');
    auto plus = s.find('+');
    if (plus != std::string::npos && at != std::string::npos && plus < at) s.erase(plus, at - plus);
    return s;
  };
  std::string x = bare_lower(a), y = bare_lower(b);
  return !x.empty() && (x == y || strip(x) == strip(y));
}

std::vector<std::string> header_addresses(Interpreter& in, const char* name) {
  std::vector<std::string> out;
  for (const auto& v : in.header_values(name))
    for (const auto& a : mime::parse_address_list(v))
      if (a.kind == mime::Address::Kind::Mailbox && !a.host.empty()) out.push_back(a.mailbox + "@" + a.host);
  return out;
}

void run_vacation(Interpreter& in, const Node& n) {
  const auto& m = in.msg;
  Action a;
  a.kind = Action::Kind::Vacation;
  a.reason = in.arg(n, 0);
  a.from = in.tag_string(n, "from");
  a.addresses = in.tag_list(n, "addresses");
  a.mime = n.has("mime");
  std::string subject_arg = in.tag_string(n, "subject");
  if (!a.from.empty() && !clean_address(a.from)) in.fail(n, "vacation: invalid :from address \"" + a.from + "\"");
  // §4.2: without :handle, the handle derives from the arguments that shape the reply.
  a.handle = n.has("handle") ? in.tag_string(n, "handle")
                             : stable_hash(a.reason + '\x1f' + subject_arg + '\x1f' + a.from + '\x1f' + (a.mime ? "1" : "0"));
  if (const Value* d = n.tag("days")) {
    a.seconds = std::max(d->number, std::uint64_t{1}) * 86400;  // §4.1: 0 days is treated as 1 (minimum)
    a.seconds = std::clamp(a.seconds, in.limits.vacation_min_seconds, in.limits.vacation_max_seconds);
  } else if (const Value* s = n.tag("seconds")) {
    a.seconds = std::min(s->number, in.limits.vacation_max_seconds);  // RFC 6131 §2: 0 = always
  } else {
    a.seconds = in.limits.vacation_default_seconds;
  }
  if (!vacation_allowed(m)) return;

  // §4.5: only answer when one of the user's addresses is an explicit recipient.
  std::vector<std::string> mine = m.user_addresses;
  if (!m.envelope_to.empty()) mine.push_back(m.envelope_to);
  for (const auto& x : a.addresses) mine.push_back(x);
  std::string matched;
  for (const char* h : {"To", "Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc"})
    for (const auto& addr : header_addresses(in, h))
      for (const auto& x : mine)
        if (matched.empty() && same_address(addr, x)) matched = addr;
  if (matched.empty()) return;
  for (const auto& x : mine)
    if (same_address(m.envelope_from, x)) return;  // never answer oneself

  if (in.env.vacation_already_sent(m.envelope_from, a.handle, a.seconds)) return;
  a.address = m.envelope_from;  // RFC 3834 §4: the reply goes to the envelope sender
  a.recipient = matched;
  auto subj = in.header_values("Subject");
  // §4.4: default subject "Auto: " + the original subject.
  a.subject = !subject_arg.empty() ? subject_arg
                                   : "Auto: " + (subj.empty() ? std::string() : mime::decode_words(subj.front()));
  auto mid = in.header_values("Message-ID");
  if (!mid.empty()) a.reply_to_message_id = std::string(str::trim(mid.front()));
  in.add_action(std::move(a), n);
}

void validate_vacation(Validator& v, Node& n) {
  if (n.has("days") && n.has("seconds")) v.error(n, "vacation: :days and :seconds exclude each other");
  if (const Value* f = n.tag("from"); f && !f->strings.empty() && v.constant(f->str()) && !clean_address(f->str()))
    v.error(*f, "vacation: invalid :from address \"" + f->str() + "\"");
}

}  // namespace

void add_vacation(Registry& r) {
  r.command({.name = "vacation",
             .capability = "vacation",
             .tags = {{"days", ArgType::Number, "period", ""},
                      {"seconds", ArgType::Number, "period", "vacation-seconds"},
                      {"subject", ArgType::String, "", ""},
                      {"from", ArgType::String, "", ""},
                      {"addresses", ArgType::StringList, "", ""},
                      {"mime", std::nullopt, "", ""},
                      {"handle", ArgType::String, "", ""}},
             .positional = {ArgType::String},
             .validate = validate_vacation,
             .run = run_vacation});
}

}  // namespace detail

bool vacation_allowed(const MessageContext& m) {
  if (m.envelope_from.empty() || m.envelope_from == "<>") return false;  // RFC 3834 §2: no reply to bounces
  std::string local = str::to_lower(m.envelope_from.substr(0, m.envelope_from.rfind('@')));
  // RFC 5230 §4.6: addresses of automated systems and list software.
  for (const char* who : {"mailer-daemon", "listserv", "majordomo", "owner-", "-request", "noreply", "no-reply"}) {
    std::string_view w(who);
    if (w.front() == '-' ? (local.size() >= w.size() && local.compare(local.size() - w.size(), w.size(), w) == 0)
                         : w.back() == '-' ? str::istarts_with(local, w)
                                           : local == w)
      return false;
  }
  if (m.parsed.fatal) return false;
  for (const auto& [name, value] : mime::header_fields(m.raw, m.parsed.root)) {
    std::string n = str::to_lower(name);
    std::string v = str::to_lower(str::trim(value));
    if (n == "auto-submitted" && v.substr(0, v.find_first_of(" ;(")) != "no") return false;  // RFC 3834 §5
    if (n == "precedence" && (v == "bulk" || v == "list" || v == "junk")) return false;    // RFC 3834 §2
    if (n == "list-id" || n == "list-help" || n == "list-subscribe" || n == "list-unsubscribe" ||
        n == "list-post" || n == "list-owner" || n == "list-archive")
      return false;  // RFC 5230 §4.6
    if (n == "x-auto-response-suppress" && (v.find("all") != std::string::npos || v.find("oof") != std::string::npos))
      return false;
  }
  return true;
}

}  // namespace postamt::sieve
