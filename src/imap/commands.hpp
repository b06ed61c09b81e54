// The IMAP command handlers, one family per file: auth_commands.cpp (STARTTLS LOGIN AUTHENTICATE),
// misc_commands.cpp (CAPABILITY NOOP LOGOUT ENABLE ID NAMESPACE CHECK), mailbox_commands.cpp (CREATE
// DELETE RENAME SUBSCRIBE UNSUBSCRIBE LIST LSUB STATUS), select_commands.cpp (SELECT EXAMINE CLOSE
// UNSELECT), fetch_commands.cpp, search_commands.cpp, message_commands.cpp (STORE COPY MOVE EXPUNGE),
// append_command.cpp, idle_command.cpp, quota_commands.cpp (GETQUOTA GETQUOTAROOT SETQUOTA),
// acl_commands.cpp (SETACL DELETEACL GETACL LISTRIGHTS MYRIGHTS), metadata_commands.cpp (GETMETADATA
// SETMETADATA); names and rights in access.hpp.
#pragma once
#include <string>

#include "imap/session.hpp"

namespace postamt::imap {

using Command = protocol::Command;
using Handler = asio::awaitable<void> (*)(Session&, const std::string& tag, const Command&);

#define POSTAMT_IMAP_HANDLER(name) asio::awaitable<void> name(Session& s, const std::string& tag, const Command& c)
POSTAMT_IMAP_HANDLER(cmd_starttls);
POSTAMT_IMAP_HANDLER(cmd_login);
POSTAMT_IMAP_HANDLER(cmd_authenticate);
POSTAMT_IMAP_HANDLER(cmd_capability);
POSTAMT_IMAP_HANDLER(cmd_noop);
POSTAMT_IMAP_HANDLER(cmd_logout);
POSTAMT_IMAP_HANDLER(cmd_enable);
POSTAMT_IMAP_HANDLER(cmd_id);
POSTAMT_IMAP_HANDLER(cmd_namespace);
POSTAMT_IMAP_HANDLER(cmd_create);
POSTAMT_IMAP_HANDLER(cmd_delete);
POSTAMT_IMAP_HANDLER(cmd_rename);
POSTAMT_IMAP_HANDLER(cmd_subscribe);
POSTAMT_IMAP_HANDLER(cmd_unsubscribe);
POSTAMT_IMAP_HANDLER(cmd_list);
POSTAMT_IMAP_HANDLER(cmd_lsub);
POSTAMT_IMAP_HANDLER(cmd_status);
POSTAMT_IMAP_HANDLER(cmd_select);
POSTAMT_IMAP_HANDLER(cmd_close);
POSTAMT_IMAP_HANDLER(cmd_unselect);
POSTAMT_IMAP_HANDLER(cmd_fetch);
POSTAMT_IMAP_HANDLER(cmd_search);
POSTAMT_IMAP_HANDLER(cmd_store);
POSTAMT_IMAP_HANDLER(cmd_copy);
POSTAMT_IMAP_HANDLER(cmd_move);
POSTAMT_IMAP_HANDLER(cmd_expunge);
POSTAMT_IMAP_HANDLER(cmd_append);
POSTAMT_IMAP_HANDLER(cmd_idle);
POSTAMT_IMAP_HANDLER(cmd_getquota);
POSTAMT_IMAP_HANDLER(cmd_getquotaroot);
POSTAMT_IMAP_HANDLER(cmd_setquota);
POSTAMT_IMAP_HANDLER(cmd_getacl);
POSTAMT_IMAP_HANDLER(cmd_setacl);
POSTAMT_IMAP_HANDLER(cmd_deleteacl);
POSTAMT_IMAP_HANDLER(cmd_listrights);
POSTAMT_IMAP_HANDLER(cmd_myrights);
POSTAMT_IMAP_HANDLER(cmd_getmetadata);
POSTAMT_IMAP_HANDLER(cmd_setmetadata);
#undef POSTAMT_IMAP_HANDLER

// Message indexes (0-based) named by a sequence set: message numbers, or UIDs when `uid`
// ("*" is the largest number in use, "$" the saved search result). Throws Bad for message numbers
// beyond the mailbox (RFC 9051 §6.4.5 "invalid message sequence number").
std::vector<std::size_t> resolve_set(Session& s, const protocol::SequenceSet& set, bool uid);

// The bytes of message `m` of `account` (FETCH, SEARCH of text). Messages up to kInlineReadLimit are read
// on the I/O thread (a page-cache read costs microseconds, less than the two thread hand-offs of
// offload()); bigger ones on the worker pool, as DESIGN.md "Concurrency" asks of big file reads.
inline constexpr std::uint64_t kInlineReadLimit = 64 * 1024;
asio::awaitable<std::string> read_message(Session& s, store::AccountId account, const store::MessageInfo& m);

// The largest message APPEND accepts (RFC 7889 APPENDLIMIT).
std::uint64_t append_limit(Session& s);

}  // namespace postamt::imap
