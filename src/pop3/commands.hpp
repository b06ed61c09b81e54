// The POP3 command handlers, one family per file: auth_commands.cpp (USER PASS APOP AUTH),
// maildrop_commands.cpp (STAT LIST RETR DELE RSET TOP UIDL), misc_commands.cpp (CAPA NOOP QUIT STLS).
#pragma once
// GCC 12 reports a false -Wmismatched-new-delete on asio's coroutine frame allocator (GCC PR 109224);
// every file with POP3 coroutines includes this header.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
#include "net/asio.hpp"
#include "pop3/protocol/command.hpp"

namespace postamt::pop3 {

namespace asio = boost::asio;

class Session;
using Command = protocol::Command;

asio::awaitable<void> cmd_user(Session& s, const Command& c);
asio::awaitable<void> cmd_pass(Session& s, const Command& c);
asio::awaitable<void> cmd_apop(Session& s, const Command& c);
asio::awaitable<void> cmd_auth(Session& s, const Command& c);

asio::awaitable<void> cmd_stat(Session& s, const Command& c);
asio::awaitable<void> cmd_list(Session& s, const Command& c);
asio::awaitable<void> cmd_retr(Session& s, const Command& c);
asio::awaitable<void> cmd_dele(Session& s, const Command& c);
asio::awaitable<void> cmd_rset(Session& s, const Command& c);
asio::awaitable<void> cmd_top(Session& s, const Command& c);
asio::awaitable<void> cmd_uidl(Session& s, const Command& c);

asio::awaitable<void> cmd_capa(Session& s, const Command& c);
asio::awaitable<void> cmd_noop(Session& s, const Command& c);
asio::awaitable<void> cmd_quit(Session& s, const Command& c);
asio::awaitable<void> cmd_stls(Session& s, const Command& c);

}  // namespace postamt::pop3
