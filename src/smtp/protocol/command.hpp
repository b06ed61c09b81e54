// SMTP / LMTP command line parser: one line (without CRLF) in, a Command or an Error with its reply out
// (RFC 5321 §4.1.1, §4.1.2; EHLO/HELO §4.1.1.1; LHLO RFC 2033 §4.1; BDAT RFC 3030 §2; STARTTLS RFC 3207;
// AUTH RFC 4954 §4). Pure: no I/O, no state beyond ParseOptions.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "smtp/protocol/address.hpp"
#include "smtp/protocol/error.hpp"
#include "smtp/protocol/params.hpp"

namespace postamt::smtp::protocol {

enum class Verb { Helo, Ehlo, Lhlo, Mail, Rcpt, Data, Bdat, Rset, Noop, Quit, Vrfy, Help, Starttls, Auth };

struct Command {
  Verb verb = Verb::Noop;
  // HELO/EHLO/LHLO: the client's name; VRFY/HELP/NOOP: the argument as sent (may be empty for HELP/NOOP).
  std::string argument;
  bool argument_is_domain = false;  // HELO/EHLO/LHLO: argument is a Domain or address-literal
  Path path;                        // MAIL/RCPT
  MailParams mail;                  // MAIL
  RcptParams rcpt;                  // RCPT
  std::uint64_t chunk_size = 0;     // BDAT
  bool last = false;                // BDAT ... LAST
  std::string mechanism;            // AUTH, upper-cased
  std::optional<std::string> initial_response;  // AUTH: base64 as sent; "" for "=" (RFC 4954 §4)
};

struct ParseOptions {
  // The current transaction was opened with MAIL ... SMTPUTF8, so RCPT may carry UTF-8 (RFC 6531 §3.4).
  // MAIL itself enables UTF-8 in its reverse path by carrying the SMTPUTF8 parameter.
  bool smtputf8 = false;
};

using ParseResult = std::variant<Command, Error>;

// `line` is one command line without its CRLF (a trailing CRLF is tolerated). Limits: kMaxCommandLine
// (kMaxParameterLine for MAIL/RCPT) counting the CRLF. Keywords are case-insensitive; trailing spaces
// are ignored; "MAIL FROM: <a@b>" (space after the colon) is accepted as most MTAs do.
ParseResult parse_command(std::string_view line, const ParseOptions& options = {});

// "EHLO", "MAIL", ... (upper case).
std::string_view verb_name(Verb verb);

}  // namespace postamt::smtp::protocol
