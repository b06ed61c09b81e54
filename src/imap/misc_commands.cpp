// Commands valid in any state or without a family: CAPABILITY, NOOP/CHECK, LOGOUT (RFC 9051 §6.1),
// ENABLE (RFC 5161, RFC 9051 §6.3.1; CONDSTORE and QRESYNC RFC 7162 §3.2.3), ID (RFC 2971),
// NAMESPACE (RFC 2342, RFC 9051 §6.3.10).
#include <string>

#include "imap/commands.hpp"
#include "imap/protocol/writer.hpp"
#include "common/strings.hpp"

namespace postamt::imap {

asio::awaitable<void> cmd_capability(Session& s, const std::string&, const Command&) {
  s.send("* CAPABILITY " + s.capabilities() + "\r\n");
  co_return;
}

asio::awaitable<void> cmd_noop(Session&, const std::string&, const Command&) {
  // The dispatcher's sync after every command reports pending updates (RFC 9051 §6.1.2).
  co_return;
}

asio::awaitable<void> cmd_logout(Session& s, const std::string&, const Command&) {
  s.send("* BYE postamt IMAP server signing off\r\n");
  s.log().info("logout", {{"user", s.user()}});
  s.end();
  co_return;
}

asio::awaitable<void> cmd_enable(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::Enable>(c);
  std::string enabled;
  for (const auto& cap : cmd.capabilities) {
    // RFC 5161 §3.1: unknown capabilities are ignored; only newly enabled ones are listed.
    bool* flag = nullptr;
    std::string name;
    if (cap == "IMAP4REV2") flag = &s.rev2, name = "IMAP4rev2";
    else if (cap == "CONDSTORE") flag = &s.condstore, name = "CONDSTORE";
    else if (cap == "UTF8=ACCEPT") flag = &s.utf8, name = "UTF8=ACCEPT";
    else if (cap == "QRESYNC") flag = &s.qresync, name = "QRESYNC";
    if (!flag || *flag) continue;
    *flag = true;
    if (flag == &s.qresync) s.condstore = true;  // RFC 7162 §3.2.3: QRESYNC implies CONDSTORE
    enabled += " " + name;
  }
  s.send("* ENABLED" + enabled + "\r\n");
  co_return;
}

asio::awaitable<void> cmd_id(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::Id>(c);
  if (cmd.params) {
    std::string client;
    for (const auto& [k, v] : *cmd.params)
      if (v && (str::iequals(k, "name") || str::iequals(k, "version"))) client += (client.empty() ? "" : " ") + *v;
    if (!client.empty()) s.log().info("client_id", {{"client", client.substr(0, 200)}});
  }
  s.send("* ID (\"name\" \"postamt\" \"vendor\" \"postamt\")\r\n");
  co_return;
}

asio::awaitable<void> cmd_namespace(Session& s, const std::string&, const Command&) {
  // RFC 2342 §5: the personal namespace, other users' mailboxes under "Other Users/<address>/"
  // (those shared with the user, RFC 4314) and the public folders under "Shared Folders/".
  s.send("* NAMESPACE ((\"\" \"/\")) ((\"Other Users/\" \"/\")) ((\"Shared Folders/\" \"/\"))\r\n");
  co_return;
}

}  // namespace postamt::imap
