// The ManageSieve command handlers, one family per file: auth_commands.cpp (AUTHENTICATE, STARTTLS,
// UNAUTHENTICATE), script_commands.cpp (HAVESPACE, PUTSCRIPT, CHECKSCRIPT, LISTSCRIPTS, SETACTIVE,
// GETSCRIPT, DELETESCRIPT, RENAMESCRIPT), misc_commands.cpp (CAPABILITY, NOOP, LOGOUT).
#pragma once
// GCC 12 reports a false -Wmismatched-new-delete on asio's coroutine frame allocator (GCC PR 109224);
// every file with ManageSieve coroutines includes this header.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
#include <cstddef>
#include <string>
#include <string_view>

#include "managesieve/command_parser.hpp"
#include "net/asio.hpp"

namespace postamt::managesieve {

namespace asio = boost::asio;

class Session;

asio::awaitable<void> cmd_authenticate(Session& s, const Command& c);
asio::awaitable<void> cmd_starttls(Session& s, const Command& c);
asio::awaitable<void> cmd_unauthenticate(Session& s, const Command& c);

asio::awaitable<void> cmd_havespace(Session& s, const Command& c);
asio::awaitable<void> cmd_putscript(Session& s, const Command& c);
asio::awaitable<void> cmd_checkscript(Session& s, const Command& c);
asio::awaitable<void> cmd_listscripts(Session& s, const Command& c);
asio::awaitable<void> cmd_setactive(Session& s, const Command& c);
asio::awaitable<void> cmd_getscript(Session& s, const Command& c);
asio::awaitable<void> cmd_deletescript(Session& s, const Command& c);
asio::awaitable<void> cmd_renamescript(Session& s, const Command& c);

asio::awaitable<void> cmd_capability(Session& s, const Command& c);
asio::awaitable<void> cmd_noop(Session& s, const Command& c);
asio::awaitable<void> cmd_logout(Session& s, const Command& c);

// Argument checks shared by the handlers; they throw No (counted as a bad command) with `usage`,
// e.g. "PUTSCRIPT <name> <script>".
void expect_arguments(const Command& c, std::size_t min, std::size_t max, std::string_view usage);
const std::string& string_argument(const Command& c, std::size_t i, std::string_view usage);

}  // namespace postamt::managesieve
