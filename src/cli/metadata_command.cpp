// postamt metadata get USER MAILBOX [ENTRY] -c FILE | set USER MAILBOX ENTRY VALUE|--delete -c FILE:
// IMAP METADATA entries (RFC 5464) from the CLI, as USER sees and sets them through GETMETADATA /
// SETMETADATA; MAILBOX "" is the server (docs/metadata.md). Rights are not checked: this is the admin.
#include <sysexits.h>

#include <algorithm>
#include <cstdio>
#include <span>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/config_loader.hpp"
#include "directory/directory.hpp"
#include "imap/protocol/metadata_entry.hpp"
#include "store/mail_store.hpp"
#include "store/sqlite_store.hpp"

namespace postamt::cli {
namespace {

constexpr std::string_view kAdminEntry = "/shared/admin";

// A value on one line: printable ASCII as it is, everything else escaped C-style.
std::string printable(std::string_view v) {
  std::string out = "\"";
  for (unsigned char c : v) {
    if (c == '"' || c == '\\') (out += '\\') += static_cast<char>(c);
    else if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c >= 0x7f) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// The entry itself or one below it (GETMETADATA's DEPTH infinity).
bool at_or_below(std::string_view name, std::string_view root) {
  return name == root || (name.starts_with(root) && name.size() > root.size() && name[root.size()] == '/');
}

}  // namespace

int cmd_metadata(const Argv& argv) {
  Args args(argv, {{"-c"}, {"--delete"}});
  const auto& pos = args.positional();
  if (pos.empty()) throw UsageError("expected a subcommand: get or set");
  const std::string& sub = pos[0];
  if (sub != "get" && sub != "set") throw UsageError("unknown subcommand '" + sub + "'");
  const bool del = args.flag("--delete");
  if (sub == "get" ? (pos.size() < 3 || pos.size() > 4 || del) : pos.size() != (del ? 4u : 5u))
    throw UsageError(sub == "get" ? "usage: metadata get USER MAILBOX [ENTRY]"
                                  : "usage: metadata set USER MAILBOX ENTRY VALUE|--delete");
  std::string entry;
  if (pos.size() > 3) {
    auto name = imap::protocol::canonical_entry(pos[3], sub == "get");
    if (!name)
      throw UsageError("invalid entry name '" + pos[3] + "' (it must start with /private/ or /shared/, RFC 5464 §3.2)");
    entry = *name;
  }
  const std::string& mailbox = pos[2];
  if (sub == "set" && mailbox.empty() && entry == kAdminEntry) {
    std::fprintf(stderr, "postamt metadata: /shared/admin is [admin] contact in the configuration\n");
    return EX_USAGE;
  }
  auto cfg = load_config_or_report(args.required("-c"), "metadata");
  if (!cfg) return EX_CONFIG;
  auto user = directory::Directory::open(cfg->data_dir).find_user(pos[1]);
  if (!user) {
    std::fprintf(stderr, "postamt metadata: no such user %s\n", pos[1].c_str());
    return EX_NOUSER;
  }
  auto store = store::open_sqlite_store(cfg->data_dir);
  try {
    if (sub == "set") {
      std::optional<std::string> value;
      if (!del) value = pos[4];
      const store::metadata::Change change{entry, value};
      store->set_metadata(user->id, mailbox, user->address, std::span(&change, 1));
      return EX_OK;
    }
    auto entries = store->metadata(user->id, mailbox, user->address);
    if (mailbox.empty() && !cfg->admin_contact.empty()) {
      std::erase_if(entries, [](const auto& e) { return e.name == kAdminEntry; });
      entries.push_back({std::string(kAdminEntry), cfg->admin_contact});
      std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    }
    for (const auto& e : entries)
      if (entry.empty() || at_or_below(e.name, entry))
        std::printf("%s %s\n", e.name.c_str(), printable(e.value).c_str());
  } catch (const store::NoSuchMailbox&) {
    std::fprintf(stderr, "postamt metadata: %s has no mailbox %s\n", user->address.c_str(), mailbox.c_str());
    return EX_DATAERR;
  } catch (const store::metadata::TooBig& e) {
    std::fprintf(stderr, "postamt metadata: the value is over %zu octets\n", e.max());
    return EX_DATAERR;
  } catch (const store::metadata::TooMany&) {
    std::fprintf(stderr, "postamt metadata: too many entries (at most %zu)\n", store::metadata::kMaxEntries);
    return EX_DATAERR;
  }
  return EX_OK;
}

}  // namespace postamt::cli
