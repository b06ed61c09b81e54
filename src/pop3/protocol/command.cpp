// POP3 command parsing (RFC 1939 §3 syntax, §5-§7 arguments; RFC 2449 §4 lengths; RFC 2595 §4;
// RFC 5034 §4).
#include "pop3/protocol/command.hpp"

#include <vector>

#include "common/strings.hpp"
#include "pop3/protocol/limits.hpp"
#include "pop3/protocol/response.hpp"

namespace postamt::pop3::protocol {
namespace {

enum class Args { None, Msg, OptionalMsg, Top, User, Pass, Apop, Auth };

struct VerbEntry {
  std::string_view name;
  Verb verb;
  Args args;
};
constexpr VerbEntry kVerbs[] = {
    {"USER", Verb::User, Args::User}, {"PASS", Verb::Pass, Args::Pass}, {"APOP", Verb::Apop, Args::Apop},
    {"AUTH", Verb::Auth, Args::Auth}, {"STLS", Verb::Stls, Args::None}, {"CAPA", Verb::Capa, Args::None},
    {"QUIT", Verb::Quit, Args::None}, {"STAT", Verb::Stat, Args::None}, {"LIST", Verb::List, Args::OptionalMsg},
    {"RETR", Verb::Retr, Args::Msg},  {"DELE", Verb::Dele, Args::Msg},  {"NOOP", Verb::Noop, Args::None},
    {"RSET", Verb::Rset, Args::None}, {"TOP", Verb::Top, Args::Top},    {"UIDL", Verb::Uidl, Args::OptionalMsg},
};

Error syntax(std::string text) { return Error{ErrorKind::Syntax, std::move(text)}; }

// 1*DIGIT within [min, kMaxMessageNumber]; no sign, no spaces.
std::optional<std::uint32_t> parse_number(std::string_view s, std::uint32_t min) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v < min || v > kMaxMessageNumber) return std::nullopt;
  return static_cast<std::uint32_t>(v);
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool is_base64(std::string_view s) {
  std::size_t pad = 0;
  for (char c : s) {
    bool b64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (c == '=') {
      if (++pad > 2) return false;
    } else if (!b64 || pad) {
      return false;
    }
  }
  return !s.empty() && s.size() % 4 == 0;
}

// Arguments split on runs of spaces (RFC 1939 §3 says single spaces; clients are not always exact).
std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  for (auto w : str::split(s, ' '))
    if (!w.empty()) out.push_back(w);
  return out;
}

}  // namespace

std::string_view verb_name(Verb verb) {
  for (const auto& v : kVerbs)
    if (v.verb == verb) return v.name;
  return "?";
}

std::string to_response(const Error& error) { return err(error.text); }

ParseResult parse_command(std::string_view line) {
  if (line.size() >= 2 && line.substr(line.size() - 2) == "\r\n") line.remove_suffix(2);
  if (line.size() + 2 > kMaxCommandLine) return Error{ErrorKind::LineTooLong, "Line too long"};
  for (char c : line)
    if (c == '\r' || c == '\n' || c == '\0') return Error{ErrorKind::BadLineEnding, "Bad character in command"};

  auto sp = line.find(' ');
  std::string_view keyword = line.substr(0, sp);
  std::string_view raw_args = sp == std::string_view::npos ? std::string_view{} : line.substr(sp + 1);
  const VerbEntry* entry = nullptr;
  for (const auto& v : kVerbs)
    if (str::iequals(keyword, v.name)) entry = &v;
  if (!entry) return Error{ErrorKind::UnknownCommand, "Unknown command"};

  Command cmd;
  cmd.verb = entry->verb;
  if (entry->args == Args::Pass) {
    // RFC 1939 §7: "the server may treat spaces in the argument as part of the password".
    if (sp == std::string_view::npos || raw_args.empty()) return syntax("PASS requires a password");
    cmd.secret = std::string(raw_args);
    return cmd;
  }
  std::string_view args = raw_args;
  while (!args.empty() && (args.back() == ' ' || args.back() == '\t')) args.remove_suffix(1);
  std::vector<std::string_view> w = words(args);
  std::string name(entry->name);

  switch (entry->args) {
    case Args::None:
      if (!w.empty()) return syntax(name + " takes no arguments");
      break;
    case Args::OptionalMsg:
    case Args::Msg:
      if (w.size() > 1 || (w.empty() && entry->args == Args::Msg)) return syntax("Syntax: " + name + " msg");
      if (!w.empty()) {
        cmd.msg = parse_number(w[0], 1);
        if (!cmd.msg) return Error{ErrorKind::BadNumber, "Invalid message number"};
      }
      break;
    case Args::Top: {
      if (w.size() != 2) return syntax("Syntax: TOP msg n");
      cmd.msg = parse_number(w[0], 1);
      if (!cmd.msg) return Error{ErrorKind::BadNumber, "Invalid message number"};
      auto n = parse_number(w[1], 0);
      if (!n) return Error{ErrorKind::BadNumber, "Invalid line count"};
      cmd.lines = *n;
      break;
    }
    case Args::User:
      if (args.empty()) return syntax("USER requires a name");
      cmd.name = std::string(args);
      break;
    case Args::Apop: {
      // RFC 1939 §7: APOP name digest; the digest is the last word, 32 hex digits.
      auto last = args.rfind(' ');
      if (args.empty() || last == std::string_view::npos) return syntax("Syntax: APOP name digest");
      std::string_view n = str::trim(args.substr(0, last)), d = args.substr(last + 1);
      if (n.empty()) return syntax("Syntax: APOP name digest");
      if (d.size() != 32) return syntax("APOP digest must be 32 hex digits");
      for (char c : d)
        if (!is_hex(c)) return syntax("APOP digest must be 32 hex digits");
      cmd.name = std::string(n);
      cmd.digest = str::to_lower(d);
      break;
    }
    case Args::Auth: {
      // RFC 5034 §4: AUTH mechanism [initial-response]; a bare AUTH lists mechanisms (widely used,
      // after RFC 1734 implementations).
      if (w.size() > 2) return syntax("Syntax: AUTH mechanism [initial-response]");
      if (w.empty()) break;
      std::string mech = str::to_upper(w[0]);
      if (mech.size() > kMaxMechanismName) return syntax("Bad SASL mechanism name");
      for (char c : mech)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
          return syntax("Bad SASL mechanism name");
      cmd.mechanism = std::move(mech);
      if (w.size() == 2) {
        if (w[1] == "=") cmd.initial_response = std::string();
        else if (is_base64(w[1])) cmd.initial_response = std::string(w[1]);
        else return syntax("Invalid base64 in initial response");
      }
      break;
    }
    case Args::Pass:
      break;  // handled above
  }
  return cmd;
}

}  // namespace postamt::pop3::protocol
