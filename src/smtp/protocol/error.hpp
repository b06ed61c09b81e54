// Why a command line was refused, with the reply the session sends for it (RFC 5321 §4.2.2 codes,
// RFC 3463 / RFC 5248 enhanced codes).
#pragma once
#include <string>

#include "smtp/protocol/reply.hpp"

namespace postamt::smtp::protocol {

enum class ErrorKind {
  LineTooLong,         // 500 5.5.2 (RFC 5321 §4.5.3.1.4)
  BadLineEnding,       // 500 5.5.2: CR, LF or NUL inside the command line
  UnknownCommand,      // 500 5.5.1
  Syntax,              // 501 5.5.2 / 5.5.4: wrong or missing arguments
  BadSenderAddress,    // 501 5.1.7
  BadRecipientAddress, // 501 5.1.3
  PathTooLong,         // 501 5.1.3 / 5.1.7 (RFC 5321 §4.5.3.1.3)
  NonAsciiAddress,     // 553 5.6.7: UTF-8 address without SMTPUTF8 (RFC 6531 §3.5)
  UnknownParameter,    // 555 5.5.4 (RFC 5321 §4.1.1.11)
  BadParameter,        // 501 5.5.4: known parameter, bad value or repeated
  TooManyParameters,   // 501 5.5.4
};

struct Error {
  ErrorKind kind;
  Reply reply;
};

}  // namespace postamt::smtp::protocol
