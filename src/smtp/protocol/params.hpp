// ESMTP parameters of MAIL and RCPT: SIZE (RFC 1870), BODY (RFC 6152, RFC 3030), SMTPUTF8 (RFC 6531),
// RET/ENVID/NOTIFY/ORCPT (RFC 3461 §4), AUTH= (RFC 4954 §5). Unknown keywords are refused with 555
// (RFC 5321 §4.1.1.11); whether an extension was advertised is for the session to check.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "smtp/protocol/error.hpp"

namespace postamt::smtp::protocol {

enum class Body { Unspecified, SevenBit, EightBitMime, BinaryMime };
enum class Ret { Unspecified, Full, Hdrs };

struct MailParams {
  std::optional<std::uint64_t> size;  // SIZE=
  Body body = Body::Unspecified;      // BODY=7BIT|8BITMIME|BINARYMIME
  bool smtputf8 = false;              // SMTPUTF8
  Ret ret = Ret::Unspecified;         // RET=FULL|HDRS
  std::optional<std::string> envid;   // ENVID=, xtext-decoded
  std::optional<std::string> auth;    // AUTH=, xtext-decoded; "" for AUTH=<>
};

struct Notify {
  bool never = false;  // NEVER excludes the other three (RFC 3461 §4.1)
  bool success = false;
  bool failure = false;
  bool delay = false;
};

struct Orcpt {
  std::string addr_type;  // "rfc822" (as sent; compare case-insensitively)
  std::string address;    // xtext-decoded
};

struct RcptParams {
  std::optional<Notify> notify;
  std::optional<Orcpt> orcpt;
};

// `text` is everything after the path (leading spaces allowed). Errors: UnknownParameter (555 5.5.4),
// BadParameter / TooManyParameters (501 5.5.4).
std::optional<Error> parse_mail_params(std::string_view text, MailParams& out);
std::optional<Error> parse_rcpt_params(std::string_view text, RcptParams& out);

}  // namespace postamt::smtp::protocol
