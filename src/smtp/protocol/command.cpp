// SMTP command line parsing (RFC 5321 §4.1.1-4.1.2, §4.5.3.1.4; RFC 2033 §4.1; RFC 3030 §2;
// RFC 3207 §4; RFC 4954 §4).
#include "smtp/protocol/command.hpp"

#include "common/strings.hpp"
#include "smtp/protocol/limits.hpp"

namespace postamt::smtp::protocol {
namespace {

Error error(ErrorKind kind, int code, const char* enhanced, std::string text) {
  return Error{kind, Reply{code, enhanced, std::move(text)}};
}
Error syntax(std::string text) { return error(ErrorKind::Syntax, 501, "5.5.4", std::move(text)); }

struct VerbEntry {
  std::string_view name;
  Verb verb;
};
constexpr VerbEntry kVerbs[] = {
    {"HELO", Verb::Helo}, {"EHLO", Verb::Ehlo}, {"LHLO", Verb::Lhlo}, {"MAIL", Verb::Mail},
    {"RCPT", Verb::Rcpt}, {"DATA", Verb::Data}, {"BDAT", Verb::Bdat}, {"RSET", Verb::Rset},
    {"NOOP", Verb::Noop}, {"QUIT", Verb::Quit}, {"VRFY", Verb::Vrfy}, {"HELP", Verb::Help},
    {"STARTTLS", Verb::Starttls}, {"AUTH", Verb::Auth},
};

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

// "FROM:" / "TO:" then the path (optional spaces after the colon), then parameters.
std::optional<Error> parse_path_command(std::string_view args, std::string_view prefix, PathKind kind,
                                        bool allow_utf8, Command& cmd) {
  if (!str::istarts_with(args, prefix))
    return syntax(kind == PathKind::Reverse ? "Syntax: MAIL FROM:<address>" : "Syntax: RCPT TO:<address>");
  args.remove_prefix(prefix.size());
  while (!args.empty() && args.front() == ' ') args.remove_prefix(1);
  std::size_t consumed = 0;
  // Parse the path permissively for UTF-8 first: MAIL's own SMTPUTF8 parameter comes after it.
  PathResult r = parse_path_prefix(args, kind, true, consumed);
  if (auto* e = std::get_if<Error>(&r)) return *e;
  cmd.path = std::move(std::get<Path>(r));
  std::string_view rest = args.substr(consumed);
  if (!rest.empty() && rest.front() != ' ') return syntax("Syntax error after address");
  if (kind == PathKind::Reverse) {
    if (auto e = parse_mail_params(rest, cmd.mail)) return e;
    allow_utf8 = allow_utf8 || cmd.mail.smtputf8;
  } else {
    if (auto e = parse_rcpt_params(rest, cmd.rcpt)) return e;
  }
  bool utf8 = cmd.path.mailbox.utf8;
  for (const auto& hop : cmd.path.route)
    for (unsigned char c : hop) utf8 = utf8 || c >= 0x80;
  if (utf8 && !allow_utf8)
    return error(ErrorKind::NonAsciiAddress, 553, "5.6.7", "Non-ASCII address requires SMTPUTF8");
  return std::nullopt;
}

}  // namespace

std::string_view verb_name(Verb verb) {
  for (const auto& v : kVerbs)
    if (v.verb == verb) return v.name;
  return "?";
}

ParseResult parse_command(std::string_view line, const ParseOptions& options) {
  if (line.size() >= 2 && line.substr(line.size() - 2) == "\r\n") line.remove_suffix(2);
  if (line.size() + 2 > kMaxParameterLine) return error(ErrorKind::LineTooLong, 500, "5.5.2", "Line too long");
  for (char c : line)
    if (c == '\r' || c == '\n' || c == '\0')
      return error(ErrorKind::BadLineEnding, 500, "5.5.2", "Bad character in command line");
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);

  auto sp = line.find(' ');
  std::string_view keyword = line.substr(0, sp);
  std::string_view args = sp == std::string_view::npos ? std::string_view{} : line.substr(sp + 1);
  const VerbEntry* entry = nullptr;
  for (const auto& v : kVerbs)
    if (str::iequals(keyword, v.name)) entry = &v;
  if (!entry) return error(ErrorKind::UnknownCommand, 500, "5.5.1", "Command not recognized");

  Command cmd;
  cmd.verb = entry->verb;
  // RFC 5321 §4.5.3.1.4: 512 octets with CRLF, except MAIL/RCPT whose extensions raise it (limits.hpp).
  if (cmd.verb != Verb::Mail && cmd.verb != Verb::Rcpt && line.size() + 2 > kMaxCommandLine)
    return error(ErrorKind::LineTooLong, 500, "5.5.2", "Line too long");

  switch (cmd.verb) {
    case Verb::Helo:
    case Verb::Ehlo:
    case Verb::Lhlo:
      // RFC 5321 §4.1.1.1: "EHLO" SP ( Domain / address-literal ). The name is kept even when it is
      // not valid syntax; refusing bad names is policy (argument_is_domain).
      args = str::trim(args);
      if (args.empty()) return syntax(std::string(entry->name) + " requires a domain name");
      cmd.argument = std::string(args);
      cmd.argument_is_domain = is_domain(args, true) || is_address_literal(args);
      break;
    case Verb::Mail:
      if (auto e = parse_path_command(args, "FROM:", PathKind::Reverse, false, cmd)) return *e;
      break;
    case Verb::Rcpt:
      if (auto e = parse_path_command(args, "TO:", PathKind::Forward, options.smtputf8, cmd)) return *e;
      break;
    case Verb::Data:
    case Verb::Rset:
    case Verb::Quit:
    case Verb::Starttls:
      // RFC 5321 §4.1.1.4/5/10, RFC 3207 §4: no parameters ("501 Syntax error (no parameters allowed)").
      if (!args.empty()) return error(ErrorKind::Syntax, 501, "5.5.4", "Syntax error (no parameters allowed)");
      break;
    case Verb::Noop:
    case Verb::Help:
      cmd.argument = std::string(str::trim(args));
      break;
    case Verb::Vrfy:
      args = str::trim(args);
      if (args.empty()) return syntax("VRFY requires an argument");
      cmd.argument = std::string(args);
      break;
    case Verb::Bdat: {
      // RFC 3030 §2: "BDAT" SP chunk-size [ SP end-marker ]; chunk-size = 1*DIGIT; end-marker = "LAST".
      auto parts = str::split(args, ' ');
      if (args.empty() || parts.size() > 2) return syntax("Syntax: BDAT size [LAST]");
      std::string_view n = parts[0];
      if (n.empty() || n.size() > 19) return syntax("Bad BDAT chunk size");
      std::uint64_t v = 0;
      for (char c : n) {
        if (c < '0' || c > '9') return syntax("Bad BDAT chunk size");
        v = v * 10 + static_cast<std::uint64_t>(c - '0');  // 19 digits cannot overflow 64 bits
      }
      cmd.chunk_size = v;
      if (parts.size() == 2) {
        if (!str::iequals(parts[1], "LAST")) return syntax("Syntax: BDAT size [LAST]");
        cmd.last = true;
      }
      break;
    }
    case Verb::Auth: {
      // RFC 4954 §4: "AUTH" SP sasl-mech [SP initial-response]; sasl-mech = 1*20 of [A-Z0-9-_]
      // (RFC 4422 §3.1); initial-response = base64 / "=".
      auto parts = str::split(args, ' ');
      if (args.empty() || parts.size() > 2) return syntax("Syntax: AUTH mechanism [initial-response]");
      std::string mech = str::to_upper(parts[0]);
      if (mech.empty() || mech.size() > 20) return syntax("Bad SASL mechanism name");
      for (char c : mech)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
          return syntax("Bad SASL mechanism name");
      cmd.mechanism = std::move(mech);
      if (parts.size() == 2) {
        if (parts[1] == "=") cmd.initial_response = std::string();
        else if (is_base64(parts[1])) cmd.initial_response = std::string(parts[1]);
        else return error(ErrorKind::Syntax, 501, "5.5.2", "Invalid base64 in initial response");
      }
      break;
    }
  }
  return cmd;
}

}  // namespace postamt::smtp::protocol
