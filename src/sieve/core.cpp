// RFC 5228 core commands (§3 control: require, if, elsif, else, stop; §4 actions: keep, discard,
// redirect, fileinto) and tests (§5: address, envelope, header, exists, size, allof, anyof, not,
// true, false), with :copy (RFC 3894), :flags (RFC 5232 §5), :create (RFC 5490 §3.2) and
// :user/:detail (RFC 5233).
#include "common/strings.hpp"
#include "mime/address.hpp"
#include "sieve/interpreter.hpp"
#include "sieve/text.hpp"
#include "sieve/validator.hpp"

namespace postamt::sieve::detail {
namespace {

using K = Action::Kind;

std::string unquote_local(std::string_view s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
    std::string out;
    for (std::size_t i = 1; i + 1 < s.size(); ++i) {
      if (s[i] == '\\' && i + 2 < s.size()) ++i;
      out += s[i];
    }
    return out;
  }
  return std::string(s);
}

// RFC 5228 §2.7.4 address parts; RFC 5233 §4 user/detail with "+" as the separator. nullopt when
// the part does not exist (:detail of an address without "+").
std::optional<std::string> address_part(const std::string& local, const std::string& domain, AddressPart p) {
  switch (p) {
    case AddressPart::All: return domain.empty() ? local : local + "@" + domain;
    case AddressPart::LocalPart: return local;
    case AddressPart::Domain: return domain;
    case AddressPart::User: return local.substr(0, local.find('+'));
    case AddressPart::Detail: {
      auto plus = local.find('+');
      if (plus == std::string::npos) return std::nullopt;
      return local.substr(plus + 1);
    }
  }
  return std::nullopt;
}

void split_address(std::string_view a, std::string& local, std::string& domain) {
  auto at = a.rfind('@');
  if (at == std::string_view::npos) {
    local = std::string(a);
    domain.clear();
  } else {
    local = std::string(a.substr(0, at));
    domain = std::string(a.substr(at + 1));
  }
}

void check_header_names(Validator& v, const Value& names) {
  for (const auto& h : names.strings)
    if (v.constant(h) && !is_field_name(h)) v.error(names, "invalid header name \"" + h + "\"");
}

// --- control ---

void run_stop(Interpreter&, const Node&) { throw StopSignal{}; }

// --- actions ---

std::vector<std::string> action_flags(Interpreter& in, const Node& n) {
  if (n.has("flags")) return split_flags(in.tag_list(n, "flags"));
  return in.flags();
}

void run_keep(Interpreter& in, const Node& n) {
  Action a;
  a.kind = K::Keep;
  a.flags = action_flags(in, n);
  in.add_action(std::move(a), n);
}

void run_discard(Interpreter& in, const Node& n) {
  Action a;
  a.kind = K::Discard;
  in.add_action(std::move(a), n);
}

void run_fileinto(Interpreter& in, const Node& n) {
  Action a;
  a.kind = K::FileInto;
  a.mailbox = in.arg(n, 0);
  if (a.mailbox.empty()) in.fail(n, "fileinto: empty mailbox name");
  a.copy = n.has("copy");
  a.create = n.has("create");
  a.flags = action_flags(in, n);
  in.add_action(std::move(a), n);
}

void run_redirect(Interpreter& in, const Node& n) {
  std::string target = in.arg(n, 0);
  auto addr = clean_address(target);
  if (!addr) in.fail(n, "redirect: invalid address \"" + target + "\"");  // RFC 5228 §4.2
  Action a;
  a.kind = K::Redirect;
  a.address = *addr;
  a.copy = n.has("copy");
  in.add_action(std::move(a), n);
}

void validate_redirect(Validator& v, Node& n) {
  if (n.positional.size() == 1 && n.positional[0].strings.size() == 1 && v.constant(n.positional[0].str()) && !clean_address(n.positional[0].str()))
    v.error(n.positional[0], "invalid redirect address \"" + n.positional[0].str() + "\"");
}

// --- tests ---

bool eval_true(Interpreter&, const Node&) { return true; }
bool eval_false(Interpreter&, const Node&) { return false; }
bool eval_not(Interpreter& in, const Node& n) { return !in.eval(n.tests.at(0)); }
bool eval_allof(Interpreter& in, const Node& n) {
  for (const auto& t : n.tests)
    if (!in.eval(t)) return false;  // RFC 5228 §5.2: short-circuit, left to right
  return true;
}
bool eval_anyof(Interpreter& in, const Node& n) {
  for (const auto& t : n.tests)
    if (in.eval(t)) return true;
  return false;
}

bool eval_exists(Interpreter& in, const Node& n) {
  for (const auto& h : in.list(n, 0))
    if (in.header_values(h).empty()) return false;
  return true;
}

bool eval_size(Interpreter& in, const Node& n) {
  const Value* over = n.tag("over");
  const Value* under = n.tag("under");
  std::uint64_t size = in.msg.raw.size();
  if (over) return size > over->number;
  return under && size < under->number;
}

void validate_size(Validator& v, Node& n) {
  if (!n.has("over") && !n.has("under")) v.error(n, "size needs :over or :under");
}

// RFC 5228 §5.7: header values are RFC 2047-decoded before comparison.
bool eval_header(Interpreter& in, const Node& n) {
  std::vector<std::string> values;
  for (const auto& h : in.list(n, 0))
    for (auto& raw : Interpreter::apply_index(n.match, in.header_values(h))) values.push_back(mime::decode_words(raw));
  return in.match(n, values, in.list(n, 1));
}

bool eval_address(Interpreter& in, const Node& n) {
  std::vector<std::string> values;
  for (const auto& h : in.list(n, 0)) {
    for (const auto& raw : Interpreter::apply_index(n.match, in.header_values(h))) {
      for (const auto& a : mime::parse_address_list(raw)) {
        if (a.kind != mime::Address::Kind::Mailbox) continue;
        auto part = address_part(unquote_local(a.mailbox), a.host, n.match.part);
        if (part) values.push_back(*part);
      }
    }
  }
  return in.match(n, values, in.list(n, 1));
}

bool eval_envelope(Interpreter& in, const Node& n) {
  std::vector<std::string> values;
  for (const auto& part : in.list(n, 0)) {
    std::string which = str::to_lower(part);
    if (which == "from") {
      // RFC 5228 §5.4: a null reverse-path is the empty string, whatever the address part.
      if (in.msg.envelope_from.empty()) {
        values.emplace_back();
        continue;
      }
      std::string l, d;
      split_address(in.msg.envelope_from, l, d);
      if (auto p = address_part(l, d, n.match.part)) values.push_back(*p);
    } else if (which == "to") {
      std::string l, d;
      split_address(in.msg.envelope_to, l, d);
      if (auto p = address_part(l, d, n.match.part)) values.push_back(*p);
    }
  }
  return in.match(n, values, in.list(n, 1));
}

void validate_envelope(Validator& v, Node& n) {
  if (n.positional.empty()) return;
  for (const auto& p : n.positional[0].strings) {
    if (!v.constant(p)) continue;
    std::string w = str::to_lower(p);
    if (w != "from" && w != "to") v.error(n.positional[0], "unsupported envelope part \"" + p + "\" (from or to)");
  }
}

void validate_header_tests(Validator& v, Node& n) {
  if (!n.positional.empty()) check_header_names(v, n.positional[0]);
}

}  // namespace

void add_core(Registry& r) {
  const TagSpec flags{"flags", ArgType::StringList, "", "imap4flags"};
  const TagSpec copy{"copy", std::nullopt, "", "copy"};

  r.command({.name = "require", .positional = {ArgType::StringList}, .run = [](Interpreter&, const Node&) {}});
  r.command({.name = "if", .tests = Spec::Tests::One, .block = true});
  r.command({.name = "elsif", .tests = Spec::Tests::One, .block = true});
  r.command({.name = "else", .block = true});
  r.command({.name = "stop", .run = run_stop});
  r.command({.name = "keep", .tags = {flags}, .run = run_keep});
  r.command({.name = "discard", .run = run_discard});
  r.command({.name = "redirect", .tags = {copy}, .positional = {ArgType::String}, .validate = validate_redirect,
             .run = run_redirect});
  r.command({.name = "fileinto",
             .capability = "fileinto",
             .tags = {flags, copy, {"create", std::nullopt, "", "mailbox"}},
             .positional = {ArgType::String},
             .run = run_fileinto});

  r.test({.name = "true", .eval = eval_true});
  r.test({.name = "false", .eval = eval_false});
  r.test({.name = "not", .tests = Spec::Tests::One, .eval = eval_not});
  r.test({.name = "allof", .tests = Spec::Tests::List, .eval = eval_allof});
  r.test({.name = "anyof", .tests = Spec::Tests::List, .eval = eval_anyof});
  r.test({.name = "exists", .positional = {ArgType::StringList}, .validate = validate_header_tests, .eval = eval_exists});
  r.test({.name = "size",
          .tags = {{"over", ArgType::Number, "size", ""}, {"under", ArgType::Number, "size", ""}},
          .validate = validate_size,
          .eval = eval_size});
  r.test({.name = "header",
          .positional = {ArgType::StringList, ArgType::StringList},
          .match = true,
          .index = true,
          .validate = validate_header_tests,
          .eval = eval_header});
  r.test({.name = "address",
          .positional = {ArgType::StringList, ArgType::StringList},
          .match = true,
          .address_part = true,
          .index = true,
          .validate = validate_header_tests,
          .eval = eval_address});
  r.test({.name = "envelope",
          .capability = "envelope",
          .positional = {ArgType::StringList, ArgType::StringList},
          .match = true,
          .address_part = true,
          .validate = validate_envelope,
          .eval = eval_envelope});
}

}  // namespace postamt::sieve::detail
