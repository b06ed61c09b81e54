// The SMTP / LMTP command handlers, one family per file: hello_commands.cpp (EHLO HELO LHLO STARTTLS
// RSET NOOP QUIT VRFY HELP), auth_command.cpp (AUTH), envelope_commands.cpp (MAIL RCPT),
// data_commands.cpp (DATA BDAT and the end of a message).
#pragma once
// GCC 12 reports a false -Wmismatched-new-delete on asio's coroutine frame allocator (GCC PR 109224);
// every file with SMTP coroutines includes this header.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
#include "net/asio.hpp"
#include "smtp/protocol/command.hpp"

namespace postamt::smtp {

namespace asio = boost::asio;

class Session;
using Command = protocol::Command;

asio::awaitable<void> cmd_ehlo(Session& s, const Command& c);  // EHLO, HELO and LHLO
asio::awaitable<void> cmd_starttls(Session& s, const Command& c);
asio::awaitable<void> cmd_rset(Session& s, const Command& c);
asio::awaitable<void> cmd_noop(Session& s, const Command& c);
asio::awaitable<void> cmd_quit(Session& s, const Command& c);
asio::awaitable<void> cmd_vrfy(Session& s, const Command& c);
asio::awaitable<void> cmd_help(Session& s, const Command& c);

asio::awaitable<void> cmd_auth(Session& s, const Command& c);

asio::awaitable<void> cmd_mail(Session& s, const Command& c);
asio::awaitable<void> cmd_rcpt(Session& s, const Command& c);

asio::awaitable<void> cmd_data(Session& s, const Command& c);
asio::awaitable<void> cmd_bdat(Session& s, const Command& c);

}  // namespace postamt::smtp
