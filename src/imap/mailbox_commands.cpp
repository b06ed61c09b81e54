// Mailbox management: CREATE (with USE, RFC 6154 §3), DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE
// (RFC 9051 §6.3.4-§6.3.8), LIST with LIST-EXTENDED selection/return options (RFC 5258: RECURSIVEMATCH,
// CHILDINFO, \NonExistent), CHILDREN,
// SPECIAL-USE (RFC 6154), LIST-STATUS (RFC 5819), LSUB (RFC 3501 §6.3.9) and STATUS (RFC 9051 §6.3.11,
// STATUS=SIZE RFC 8438, HIGHESTMODSEQ RFC 7162 §3.1.6, MAILBOXID RFC 8474 §4).
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "common/offload.hpp"
#include "directory/directory.hpp"
#include "imap/access.hpp"
#include "imap/commands.hpp"
#include "imap/object_ids.hpp"
#include "imap/protocol/mutf7.hpp"
#include "imap/protocol/parser.hpp"
#include "imap/protocol/writer.hpp"
#include "services/services.hpp"
#include "store/mailbox_names.hpp"

namespace postamt::imap {
namespace {

using protocol::StatusItem;

// RFC 9051 §6.3.9: "*" matches anything, "%" anything but the hierarchy delimiter. Dynamic
// programming: bounded by pattern length x name length, no exponential backtracking.
bool wildcard_match(std::string_view pattern, std::string_view name) {
  const std::size_t P = pattern.size(), N = name.size();
  std::vector<char> prev(N + 1, 0), cur(N + 1, 0);
  prev[0] = 1;
  for (std::size_t i = 1; i <= P; ++i) {
    const char pc = pattern[i - 1];
    std::fill(cur.begin(), cur.end(), 0);
    if (pc == '*' || pc == '%') cur[0] = prev[0];
    for (std::size_t j = 1; j <= N; ++j) {
      if (pc == '*') cur[j] = prev[j] || cur[j - 1];
      else if (pc == '%') cur[j] = prev[j] || (cur[j - 1] && name[j - 1] != store::kHierarchyDelimiter);
      else cur[j] = prev[j - 1] && pc == name[j - 1];
    }
    std::swap(prev, cur);
  }
  return prev[N] != 0;
}

struct Box {
  store::MailboxInfo info;
  std::uint32_t deleted = 0;
  std::uint64_t deleted_storage = 0;  // octets of the \Deleted messages (RFC 9208 §4.1.4)
};

void count_deleted_messages(store::MailStore& st, store::AccountId account, Box& b) {
  for (const auto& m : st.messages(account, b.info.name))
    if (std::find(m.flags.begin(), m.flags.end(), "\\Deleted") != m.flags.end()) {
      ++b.deleted;
      b.deleted_storage += m.size;
    }
}

// The user's mailboxes, then other users' mailboxes the user may look up (RFC 4314 §4 LIST: "l"),
// named "Other Users/<owner>/<name>" (RFC 2342 §5), then the public folders ("Shared Folders/<name>":
// those with "l", every one for admins). Subscriptions to the foreign names are the user's own.
asio::awaitable<std::vector<Box>> load_mailboxes(Session& s, bool count_deleted) {
  const auto account = s.account();
  const std::string user = s.user();
  const bool admin = is_admin(s);
  co_return co_await offload([&s, account, &user, count_deleted, admin] {
    std::vector<std::string> subscribed;
    std::vector<Box> out = s.services().with_store([&](store::MailStore& st) {
      std::vector<Box> own;
      for (auto& info : st.list_mailboxes(account)) {
        Box b{std::move(info), 0, 0};
        if (count_deleted) count_deleted_messages(st, account, b);
        own.push_back(std::move(b));
      }
      subscribed = st.foreign_subscriptions(account);
      return own;
    });
    auto add_foreign = [&](store::MailStore& st, store::AccountId owner, store::SharedMailbox shared,
                           const MailboxRef& where) {
      if (!store::acl::has(shared.rights, 'l')) return;
      Box b{std::move(shared.info), 0, 0};
      if (count_deleted && store::acl::has(shared.rights, 'r')) count_deleted_messages(st, owner, b);
      b.info.name = shown_name(where, b.info.name);
      b.info.subscribed = std::binary_search(subscribed.begin(), subscribed.end(), b.info.name);
      out.push_back(std::move(b));
    };
    auto owners = s.services().with_store([&](store::MailStore& st) { return st.sharing_accounts(user); });
    std::erase(owners, account);
    std::map<store::AccountId, std::string> addresses;
    if (!owners.empty())
      for (auto& u : s.services().with_directory([](directory::Directory& d) { return d.users(); }))
        if (std::find(owners.begin(), owners.end(), u.id) != owners.end()) addresses[u.id] = u.address;
    for (const auto& [owner, address] : addresses) {
      const MailboxRef where{owner, address, "", "", false, false, true};
      s.services().with_store([&](store::MailStore& st) {
        for (auto& shared : st.shared_mailboxes(owner, user)) add_foreign(st, owner, std::move(shared), where);
      });
    }
    const bool any_public = admin || std::find(owners.begin(), owners.end(), store::kPublicAccount) != owners.end();
    if (any_public) {
      const MailboxRef where{store::kPublicAccount, "", "", "", false, true, true};
      s.services().with_store([&](store::MailStore& st) {
        std::vector<store::SharedMailbox> folders;
        try {
          if (admin)
            for (auto& info : st.list_mailboxes(store::kPublicAccount))
              folders.push_back({std::move(info), std::string(store::kAllRights)});
          else
            folders = st.shared_mailboxes(store::kPublicAccount, user);
        } catch (const store::NoSuchAccount&) {
          // no public folder created yet
        }
        for (auto& f : folders) add_foreign(st, store::kPublicAccount, std::move(f), where);
      });
    }
    return out;
  });
}

bool wants(const std::vector<StatusItem>& items, StatusItem item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

// "* STATUS name (MESSAGES 3 UIDNEXT 4 ...)" (RFC 9051 §7.2.4).
void send_status(Session& s, const Box& b, const std::vector<StatusItem>& items, std::uint64_t append_limit) {
  std::string line = "* STATUS ";
  s.append_mailbox(line, b.info.name);
  line += " (";
  bool first = true;
  auto add = [&](StatusItem item, std::uint64_t value) {
    if (!first) line += ' ';
    first = false;
    line += protocol::status_item_name(item);
    line += ' ';
    line += std::to_string(value);
  };
  for (auto item : items) {
    switch (item) {
      case StatusItem::Messages: add(item, b.info.messages); break;
      case StatusItem::UidNext: add(item, b.info.uidnext); break;
      case StatusItem::UidValidity: add(item, b.info.uidvalidity); break;
      case StatusItem::Unseen: add(item, b.info.unseen); break;
      case StatusItem::Deleted: add(item, b.deleted); break;
      case StatusItem::Size: add(item, b.info.size); break;
      case StatusItem::Recent: add(item, b.info.recent); break;
      case StatusItem::HighestModSeq: add(item, b.info.highestmodseq); break;
      case StatusItem::AppendLimit: add(item, append_limit); break;
      case StatusItem::MailboxId:  // RFC 8474 §4.3
        if (!first) line += ' ';
        first = false;
        line += "MAILBOXID (" + mailbox_id(b.info) + ")";
        break;
      case StatusItem::DeletedStorage:  // RFC 9208 §4.1.4, in 1024-octet units like STORAGE
        add(item, (b.deleted_storage + 1023) / 1024);
        break;
    }
  }
  line += ")\r\n";
  s.send(line);
}

bool has_children(const std::vector<Box>& boxes, const std::string& name) {
  const std::string prefix = name + store::kHierarchyDelimiter;
  return std::any_of(boxes.begin(), boxes.end(),
                     [&](const Box& b) { return b.info.name.compare(0, prefix.size(), prefix) == 0; });
}

std::string pattern_name(Session& s, std::string_view reference, std::string_view pattern) {
  // RFC 9051 §6.3.9: the reference and the pattern are concatenated (no delimiter is added).
  std::string joined = std::string(reference) + std::string(pattern);
  auto decoded = protocol::decode_mailbox_name(joined, s.utf8_names());
  return store::lookup_name(decoded ? *decoded : joined);
}

}  // namespace

asio::awaitable<void> cmd_create(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::Create>(c);
  std::string name = s.mailbox_name(cmd.mailbox);
  // RFC 9051 §6.3.4: a trailing delimiter only says a child may be created below the name.
  while (!name.empty() && name.back() == store::kHierarchyDelimiter) name.pop_back();
  if (name.empty()) throw No{"Invalid mailbox name", "CANNOT"};
  if (cmd.special_use.size() > 1) throw No{"Only one special-use attribute per mailbox", "USEATTR"};
  std::string use = cmd.special_use.empty() ? "" : cmd.special_use.front();
  auto ref = co_await resolve_mailbox(s, name);
  if (!ref.own) {
    // RFC 4314 §4 CREATE: "k" on the parent; a new top-level name in another account (or among the
    // public folders) is for admins.
    // A named variable, not a temporary: GCC 12 destroys temporaries of a co_await operand twice.
    const auto slash = ref.name.rfind(store::kHierarchyDelimiter);
    const std::string parent_name = shown_name(ref, slash == std::string::npos ? "" : ref.name.substr(0, slash));
    auto parent = co_await resolve_mailbox(s, parent_name);
    if (!is_admin(s)) require_right(parent, 'k');
    if (ref.name.empty() || !ref.known) throw No{"Permission denied", "NOPERM"};
  }
  const auto account = ref.account;
  const bool first_public = ref.public_folder;
  name = ref.name;
  bool bad_use = false;
  std::optional<store::MailboxInfo> created;
  co_await offload([&] {
    s.services().change_store([&](store::MailStore& st, store::Changes& changes) {
      if (first_public) {
        try {
          st.list_mailboxes(store::kPublicAccount);
        } catch (const store::NoSuchAccount&) {
          st.create_account(store::kPublicAccount);  // the first public folder
        }
      }
      if (!use.empty()) {
        try {
          use = store::valid_special_use(use);
        } catch (const store::Error&) {
          bad_use = true;
          return;
        }
      }
      st.create_mailbox(account, name, use, changes);
      created = st.mailbox(account, name);
    });
  });
  // RFC 8474 §4.1: the new mailbox's MAILBOXID in the tagged OK.
  if (created) s.set_ok("[MAILBOXID (" + mailbox_id(*created) + ")] CREATE completed");
  // RFC 6154 §3: an unknown USE attribute fails with the USEATTR response code.
  if (bad_use) throw No{"Unknown special-use attribute", "USEATTR"};
}

asio::awaitable<void> cmd_delete(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::Delete>(c);
  std::string name = s.mailbox_name(cmd.mailbox);
  if (store::is_inbox(name)) throw No{"INBOX cannot be deleted", "CANNOT"};
  auto ref = co_await resolve_mailbox(s, name);
  require_right(ref, 'x');  // RFC 4314 §4 DELETE
  if (ref.name.empty()) throw No{"Permission denied", "NOPERM"};
  if (s.has_selected() && s.selected().name == ref.name && s.selected().account == ref.account)
    throw No{"Cannot delete the selected mailbox", "INUSE"};
  const auto account = ref.account;
  name = ref.name;
  co_await offload([&] {
    s.services().change_store([&](store::MailStore& st, store::Changes& changes) {
      st.delete_mailbox(account, name, changes);
    });
  });
}

asio::awaitable<void> cmd_rename(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::Rename>(c);
  std::string from = s.mailbox_name(cmd.from), to = s.mailbox_name(cmd.to);
  while (!to.empty() && to.back() == store::kHierarchyDelimiter) to.pop_back();
  if (to.empty()) throw No{"Invalid mailbox name", "CANNOT"};
  if (store::is_inbox(to)) throw No{"Cannot rename to INBOX", "ALREADYEXISTS"};
  auto source = co_await resolve_mailbox(s, from);
  auto target = co_await resolve_mailbox(s, to);
  // RFC 4314 §4 RENAME: "x" on the mailbox and "k" on the new parent; within one account only.
  require_right(source, 'x');
  if (!target.own) {
    const auto slash = target.name.rfind(store::kHierarchyDelimiter);
    const std::string parent_name = shown_name(target, slash == std::string::npos ? "" : target.name.substr(0, slash));
    auto parent = co_await resolve_mailbox(s, parent_name);
    if (!is_admin(s)) require_right(parent, 'k');
  }
  if (source.name.empty() || target.name.empty()) throw No{"Permission denied", "NOPERM"};
  if (source.account != target.account) throw No{"Cannot rename a mailbox into another user's", "CANNOT"};
  const auto account = source.account;
  from = source.name;
  to = target.name;
  co_await offload([&] {
    s.services().change_store([&](store::MailStore& st, store::Changes& changes) {
      if (!st.mailbox(account, from)) throw store::NoSuchMailbox(from);
      if (st.mailbox(account, to)) throw store::MailboxExists(to);
      st.rename_mailbox(account, from, to, changes);
    });
  });
}

static asio::awaitable<void> subscribe(Session& s, const std::string& wire, bool on) {
  std::string name = s.mailbox_name(wire);
  auto ref = co_await resolve_mailbox(s, name);
  const auto account = s.account();
  if (!ref.own) {
    // RFC 4314 §4: SUBSCRIBE needs "l" (we check that the mailbox exists for the user). The
    // subscription is the subscriber's, kept under the name the subscriber sees.
    if (on) require_right(ref, 'l');
    if (ref.name.empty()) throw No{"Not a mailbox", "NONEXISTENT"};
    const std::string shown = shown_name(ref, ref.name);
    co_await offload([&] {
      s.services().with_store([&](store::MailStore& st) { st.set_foreign_subscribed(account, shown, on); });
    });
    co_return;
  }
  co_await offload([&] {
    s.services().with_store([&](store::MailStore& st) { st.set_subscribed(account, name, on); });
  });
}

asio::awaitable<void> cmd_subscribe(Session& s, const std::string&, const Command& c) {
  co_await subscribe(s, std::get<protocol::Subscribe>(c).mailbox, true);
}

asio::awaitable<void> cmd_unsubscribe(Session& s, const std::string&, const Command& c) {
  const auto& name = std::get<protocol::Unsubscribe>(c).mailbox;
  try {
    co_await subscribe(s, name, false);
  } catch (const store::NoSuchMailbox&) {
    // RFC 9051 §6.3.8: unsubscribing a name that does not exist (any more) is allowed.
  }
}

asio::awaitable<void> cmd_list(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::List>(c);
  // RFC 9051 §6.3.9: an empty pattern asks for the delimiter and the root.
  if (cmd.patterns.size() == 1 && cmd.patterns.front().empty() && !cmd.extended) {
    s.send("* LIST (\\Noselect) \"/\" \"\"\r\n");
    co_return;
  }
  const bool want_status = cmd.return_status.has_value();
  const bool count_deleted = want_status && (wants(*cmd.return_status, StatusItem::Deleted) ||
                                             wants(*cmd.return_status, StatusItem::DeletedStorage));
  auto boxes = co_await load_mailboxes(s, count_deleted);
  std::vector<std::string> patterns;
  for (const auto& p : cmd.patterns) patterns.push_back(pattern_name(s, cmd.reference, p));
  const bool show_subscribed = cmd.return_subscribed || cmd.select_subscribed;
  const std::uint64_t limit = append_limit(s);
  auto matches_pattern = [&](const std::string& name) {
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return wildcard_match(p, name); });
  };
  auto meets_criteria = [&](const Box& b) {
    return (!cmd.select_subscribed || b.info.subscribed) && (!cmd.select_special_use || !b.info.special_use.empty());
  };
  // RFC 5258 §3.5: a descendant that meets the selection criteria but is not itself returned.
  auto unlisted_match_below = [&](const std::string& name) {
    const std::string prefix = name + store::kHierarchyDelimiter;
    return std::any_of(boxes.begin(), boxes.end(), [&](const Box& b) {
      return b.info.name.compare(0, prefix.size(), prefix) == 0 && meets_criteria(b) && !matches_pattern(b.info.name);
    });
  };
  // Names in the hierarchy without a mailbox of their own ("A" when only "A/B" exists: DELETE keeps
  // inferior names, RFC 9051 §6.3.5). Listed in name order with the mailboxes; INBOX stays first.
  std::map<std::string, const Box*> names;
  for (const auto& b : boxes) names[b.info.name] = &b;
  for (const auto& b : boxes)
    for (auto pos = b.info.name.find(store::kHierarchyDelimiter); pos != std::string::npos;
         pos = b.info.name.find(store::kHierarchyDelimiter, pos + 1))
      names.emplace(b.info.name.substr(0, pos), nullptr);
  std::vector<std::pair<std::string, const Box*>> ordered;
  for (const auto& b : boxes)
    if (store::is_inbox(b.info.name)) ordered.emplace_back(b.info.name, &b);
  for (const auto& [name, box] : names)
    if (!(box && store::is_inbox(name))) ordered.emplace_back(name, box);
  const bool plain = !cmd.select_subscribed && !cmd.select_special_use;
  for (const auto& [name, box] : ordered) {
    if (!matches_pattern(name)) continue;
    const bool selected = box && meets_criteria(*box);
    // CHILDINFO is only for RECURSIVEMATCH (RFC 5258 §3.5), which modifies SUBSCRIBED here.
    const bool childinfo = cmd.select_recursive_match && cmd.select_subscribed && unlisted_match_below(name);
    std::string attrs;
    auto add = [&](std::string_view a) {
      if (!attrs.empty()) attrs += ' ';
      attrs += a;
    };
    if (!box) {
      // RFC 5258 §3 / RFC 9051 §6.3.9: a non-existent name is returned only for a child it hides
      // (plain LIST with "%"), or with CHILDINFO; \NonExistent implies \Noselect.
      if (!childinfo && !(plain && unlisted_match_below(name))) continue;
      add("\\NonExistent");
      add("\\HasChildren");
    } else {
      if (!selected && !childinfo) continue;
      // CHILDREN (RFC 3348) is always answered; LIST-EXTENDED makes it a return option (RFC 5258 §4).
      add(has_children(boxes, name) ? "\\HasChildren" : "\\HasNoChildren");
      if (show_subscribed && box->info.subscribed) add("\\Subscribed");
      if (!box->info.special_use.empty()) add(box->info.special_use);
    }
    std::string line = "* LIST (" + attrs + ") \"/\" ";
    s.append_mailbox(line, name);
    if (childinfo) line += " (\"CHILDINFO\" (\"SUBSCRIBED\"))";
    line += "\r\n";
    s.send(line);
    // RFC 5819 §2: STATUS follows its LIST line, not for a name that is not a mailbox.
    if (want_status && box) send_status(s, *box, *cmd.return_status, limit);
  }
}

asio::awaitable<void> cmd_lsub(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::Lsub>(c);
  auto boxes = co_await load_mailboxes(s, false);
  const std::string pattern = pattern_name(s, cmd.reference, cmd.pattern);
  for (const auto& b : boxes) {
    if (!b.info.subscribed || !wildcard_match(pattern, b.info.name)) continue;
    std::string line = "* LSUB () \"/\" ";
    s.append_mailbox(line, b.info.name);
    line += "\r\n";
    s.send(line);
  }
}

asio::awaitable<void> cmd_status(Session& s, const std::string&, const Command& c) {
  const auto& cmd = std::get<protocol::Status>(c);
  std::string name = s.mailbox_name(cmd.mailbox);
  auto ref = co_await resolve_mailbox(s, name);
  require_right(ref, 'r');  // RFC 4314 §4 STATUS
  const auto account = ref.account;
  const std::string inner = ref.name;
  const bool count_deleted = wants(cmd.items, StatusItem::Deleted) || wants(cmd.items, StatusItem::DeletedStorage);
  auto box = co_await offload([&] {
    return s.services().with_store([&](store::MailStore& st) -> std::optional<Box> {
      auto info = st.mailbox(account, inner);
      if (!info) return std::nullopt;
      Box b{std::move(*info), 0, 0};
      if (count_deleted) count_deleted_messages(st, account, b);
      return b;
    });
  });
  if (!box) throw No{"Mailbox does not exist", "NONEXISTENT"};
  if (!ref.own) box->info.name = name;
  send_status(s, *box, cmd.items, append_limit(s));
}

}  // namespace postamt::imap
