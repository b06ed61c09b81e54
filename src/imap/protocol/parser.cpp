// Command parser: dispatch table from command name to argument parser (see parser.hpp).
// RFC 9051 §6, §9; RFC 3501 §6.4.1 (CHECK); RFC 4466; RFC 5161; RFC 4959; RFC 2971 §3.3;
// RFC 9208 §4; RFC 4314 §3; RFC 5464 §4.2-4.3, §5; RFC 6154 §3; RFC 5258; RFC 7162 §3.1-3.2; RFC 3502; RFC 6855 §4.
#include "imap/protocol/parser.hpp"

#include <array>
#include <functional>

#include "common/strings.hpp"
#include "imap/protocol/chars.hpp"
#include "imap/protocol/lexer.hpp"
#include "imap/protocol/metadata_entry.hpp"

namespace postamt::imap::protocol {
namespace {

struct Ctx {
  Lexer& lex;
  const Limits& limits;
  bool uid;
};

using Handler = Command (*)(Ctx&);

template <typename T>
Command no_args(Ctx& c, std::string_view name) {
  c.lex.expect_end(name);
  return T{};
}

std::string mailbox_arg(Ctx& c, std::string_view what = "mailbox name") {
  c.lex.sp(what);
  return c.lex.mailbox(what);
}

// RFC 9051 §9 flag-list = "(" [flag *(SP flag)] ")"
std::vector<std::string> flag_list(Lexer& lex, std::size_t max_items) {
  std::vector<std::string> flags;
  lex.expect('(', "'(' of flag list");
  if (lex.try_char(')')) return flags;
  do {
    flags.push_back(parse_flag(lex));
    if (flags.size() > max_items) lex.error("Too many flags");
  } while (!lex.list_end("flag list", "flag"));
  return flags;
}

Command parse_authenticate(Ctx& c) {
  Authenticate a;
  c.lex.sp("SASL mechanism name");
  a.mechanism = str::to_upper(c.lex.atom("SASL mechanism name"));
  if (c.lex.try_sp()) {
    // initial-resp = (base64 / "=") (RFC 9051 §9, RFC 4959 §7)
    std::string_view ir = c.lex.rest();
    if (ir == "=") {
      a.initial_response = "";
    } else {
      for (char ch : ir)
        if (!is_alpha(ch) && !is_digit(ch) && ch != '+' && ch != '/' && ch != '=')
          c.lex.error("Invalid base64 in initial SASL response");
      if (ir.empty() || ir.size() % 4 != 0) c.lex.error("Invalid base64 length in initial SASL response");
      a.initial_response = std::string(ir);
    }
    return a;
  }
  c.lex.expect_end("AUTHENTICATE");
  return a;
}

Command parse_login(Ctx& c) {
  Login l;
  c.lex.sp("user name");
  l.user = c.lex.astring("user name");
  c.lex.sp("password");
  l.password = c.lex.astring("password");
  c.lex.expect_end("LOGIN");
  return l;
}

Command parse_enable(Ctx& c) {
  Enable e;
  c.lex.sp("capability to enable");
  do {
    e.capabilities.push_back(str::to_upper(c.lex.atom("capability")));
  } while (c.lex.try_sp());
  c.lex.expect_end("ENABLE");
  return e;
}

// QRESYNC SP "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"
Qresync parse_qresync(Lexer& lex) {
  Qresync q;
  lex.sp("QRESYNC parameters");
  lex.expect('(', "'(' after QRESYNC");
  q.uidvalidity = lex.nz_number("QRESYNC UIDVALIDITY");
  lex.sp("QRESYNC mod-sequence");
  q.modseq = lex.nz_number64("QRESYNC mod-sequence");
  if (lex.try_sp() && lex.peek() != '(') {
    q.known_uids = parse_sequence_set(lex, false);
    if (q.known_uids->uses_star()) lex.error("\"*\" is not allowed in QRESYNC known UIDs");
    if (!lex.try_sp()) {
      lex.expect(')', "')' after QRESYNC parameters");
      return q;
    }
  }
  if (lex.try_char('(')) {
    q.known_seqs = parse_sequence_set(lex, false);
    lex.sp("QRESYNC known UID set");
    q.known_seq_uids = parse_sequence_set(lex, false);
    if (q.known_seqs->uses_star() || q.known_seq_uids->uses_star())
      lex.error("\"*\" is not allowed in QRESYNC sequence match data");
    lex.expect(')', "')' after QRESYNC sequence match data");
  }
  lex.expect(')', "')' after QRESYNC parameters");
  return q;
}

Command parse_select_like(Ctx& c, bool read_only) {
  Select s;
  s.read_only = read_only;
  s.mailbox = mailbox_arg(c);
  const char* name = read_only ? "EXAMINE" : "SELECT";
  if (c.lex.try_sp()) {
    c.lex.expect('(', "'(' before SELECT parameters");
    do {
      const std::string p = str::to_upper(c.lex.atom("SELECT parameter"));
      if (p == "CONDSTORE") {
        s.condstore = true;
      } else if (p == "QRESYNC") {
        if (s.qresync) c.lex.error("Duplicate QRESYNC parameter");
        s.qresync = parse_qresync(c.lex);
      } else {
        c.lex.error("Unknown " + std::string(name) + " parameter " + p);
      }
    } while (!c.lex.list_end("SELECT parameters", "SELECT parameter"));
  }
  c.lex.expect_end(name);
  return s;
}

Command parse_create(Ctx& c) {
  Create cr;
  cr.mailbox = mailbox_arg(c);
  if (c.lex.try_sp()) {
    // create-params = SP "(" create-param *(SP create-param) ")" (RFC 4466); USE (RFC 6154 §6)
    c.lex.expect('(', "'(' before CREATE parameters");
    do {
      const std::string p = str::to_upper(c.lex.atom("CREATE parameter"));
      if (p != "USE") c.lex.error("Unknown CREATE parameter " + p);
      c.lex.sp("USE attributes");
      c.lex.expect('(', "'(' after USE");
      if (!c.lex.try_char(')')) {
        do {
          c.lex.expect('\\', "'\\' of special-use attribute");
          cr.special_use.push_back("\\" + std::string(c.lex.atom("special-use attribute")));
        } while (!c.lex.list_end("USE attributes", "special-use attribute"));
      }
    } while (!c.lex.list_end("CREATE parameters", "CREATE parameter"));
  }
  c.lex.expect_end("CREATE");
  return cr;
}

Command parse_rename(Ctx& c) {
  Rename r;
  r.from = mailbox_arg(c, "existing mailbox name");
  r.to = mailbox_arg(c, "new mailbox name");
  c.lex.expect_end("RENAME");
  return r;
}

template <typename T>
Command one_mailbox(Ctx& c, std::string_view name) {
  T t;
  t.mailbox = mailbox_arg(c);
  c.lex.expect_end(name);
  return t;
}

std::vector<StatusItem> status_items(Lexer& lex) {
  std::vector<StatusItem> items;
  lex.expect('(', "'(' before STATUS items");
  do {
    const std::string_view n = lex.atom("STATUS item");
    auto item = status_item_from_name(n);
    if (!item) lex.error("Unknown STATUS item " + str::to_upper(n));
    items.push_back(*item);
  } while (!lex.list_end("STATUS items", "STATUS item"));
  return items;
}

Command parse_status(Ctx& c) {
  Status s;
  s.mailbox = mailbox_arg(c);
  c.lex.sp("STATUS items");
  s.items = status_items(c.lex);
  c.lex.expect_end("STATUS");
  return s;
}

// list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]
Command parse_list(Ctx& c) {
  List l;
  Lexer& lex = c.lex;
  lex.sp("LIST reference");
  if (lex.try_char('(')) {
    l.extended = true;
    bool base = false;
    if (!lex.try_char(')')) do {
      const std::string o = str::to_upper(lex.atom("LIST selection option"));
      if (o == "SUBSCRIBED") l.select_subscribed = base = true;
      else if (o == "REMOTE") l.select_remote = true;
      else if (o == "RECURSIVEMATCH") l.select_recursive_match = true;
      else if (o == "SPECIAL-USE") l.select_special_use = base = true;
      else lex.error("Unknown LIST selection option " + o);
    } while (!lex.list_end("LIST selection options", "LIST selection option"));
    // RFC 5258 §3.1: RECURSIVEMATCH needs a base option to modify.
    if (l.select_recursive_match && !base) lex.error("RECURSIVEMATCH needs another selection option");
    lex.sp("LIST reference");
  }
  l.reference = lex.astring("LIST reference");
  lex.sp("LIST mailbox pattern");
  if (lex.try_char('(')) {
    l.extended = true;
    do {
      l.patterns.push_back(lex.list_mailbox("LIST mailbox pattern"));
      if (l.patterns.size() > c.limits.max_list_items) lex.error("Too many LIST patterns");
    } while (!lex.list_end("LIST patterns", "LIST mailbox pattern"));
  } else {
    l.patterns.push_back(lex.list_mailbox("LIST mailbox pattern"));
  }
  if (lex.try_sp()) {
    l.extended = true;
    if (!lex.try_word("RETURN")) lex.error("Expected RETURN options after LIST pattern");
    lex.sp("LIST return options");
    lex.expect('(', "'(' after RETURN");
    if (!lex.try_char(')')) do {
      const std::string o = str::to_upper(lex.atom("LIST return option"));
      if (o == "SUBSCRIBED") l.return_subscribed = true;
      else if (o == "CHILDREN") l.return_children = true;
      else if (o == "SPECIAL-USE") l.return_special_use = true;
      else if (o == "STATUS") {
        lex.sp("STATUS items");
        l.return_status = status_items(lex);
      } else lex.error("Unknown LIST return option " + o);
    } while (!lex.list_end("LIST return options", "LIST return option"));
  }
  lex.expect_end("LIST");
  return l;
}

Command parse_lsub(Ctx& c) {
  Lsub l;
  c.lex.sp("LSUB reference");
  l.reference = c.lex.astring("LSUB reference");
  c.lex.sp("LSUB mailbox pattern");
  l.pattern = c.lex.list_mailbox("LSUB mailbox pattern");
  c.lex.expect_end("LSUB");
  return l;
}

// append = "APPEND" SP mailbox 1*append-message; append-message = [SP flag-list] [SP date-time]
// SP (literal / literal8 / "UTF8" SP "(" literal8 ")") (RFC 4466 §3, RFC 3502, RFC 6855 §4)
Command parse_append(Ctx& c) {
  Append a;
  Lexer& lex = c.lex;
  a.mailbox = mailbox_arg(c);
  do {
    AppendMessage m;
    lex.sp("APPEND message");
    if (lex.peek() == '(') {
      m.flags = flag_list(lex, c.limits.max_list_items);
      lex.sp("APPEND message literal");
    }
    if (lex.peek() == '"') {
      const std::string text = lex.string("APPEND date-time");
      auto dt = parse_date_time(text);
      if (!dt) lex.error("Invalid APPEND date-time (expected e.g. \"17-Jul-1996 02:44:25 -0700\")");
      m.internal_date = dt;
      lex.sp("APPEND message literal");
    }
    if (lex.try_word("UTF8")) {
      lex.sp("UTF8 message");
      lex.expect('(', "'(' after UTF8");
      if (!lex.at_literal() || lex.peek() != '~') lex.error("UTF8 APPEND data must be a literal8 (~{n})");
      auto v = lex.string8("APPEND message");
      lex.expect(')', "')' after UTF8 message");
      m.data = std::move(v.data);
      m.binary = true;
      m.utf8 = true;
    } else {
      if (!lex.at_literal()) lex.error("APPEND message must be a literal");
      auto v = lex.string8("APPEND message");
      m.data = std::move(v.data);
      m.binary = v.literal8;
    }
    a.messages.push_back(std::move(m));
    if (a.messages.size() > c.limits.max_list_items) lex.error("Too many messages in one APPEND");
  } while (!lex.at_end());
  return a;
}

Command parse_search_cmd(Ctx& c) {
  c.lex.sp("SEARCH criteria");
  Search s = parse_search(c.lex, c.limits);
  s.uid = c.uid;
  return s;
}

Command parse_fetch_cmd(Ctx& c) {
  c.lex.sp("sequence set");
  return parse_fetch(c.lex, c.limits, c.uid);
}

// store = "STORE" SP sequence-set [store-modifiers] SP store-att-flags (RFC 4466, RFC 7162 §3.1.3)
Command parse_store(Ctx& c) {
  Store s;
  Lexer& lex = c.lex;
  s.uid = c.uid;
  lex.sp("sequence set");
  s.set = parse_sequence_set(lex);
  lex.sp("STORE data item");
  if (lex.try_char('(')) {
    do {
      const std::string m = str::to_upper(lex.atom("STORE modifier"));
      if (m != "UNCHANGEDSINCE") lex.error("Unknown STORE modifier " + m);
      if (s.unchanged_since) lex.error("Duplicate UNCHANGEDSINCE");
      lex.sp("UNCHANGEDSINCE mod-sequence");
      s.unchanged_since = lex.number64("UNCHANGEDSINCE mod-sequence");
    } while (!lex.list_end("STORE modifiers", "STORE modifier"));
    lex.sp("STORE data item");
  }
  if (lex.try_char('+')) s.mode = Store::Mode::Add;
  else if (lex.try_char('-')) s.mode = Store::Mode::Remove;
  const std::string item = str::to_upper(lex.atom("STORE data item"));
  if (item == "FLAGS.SILENT") s.silent = true;
  else if (item != "FLAGS") lex.error("Unknown STORE data item " + item + " (expected FLAGS, +FLAGS or -FLAGS)");
  lex.sp("flags");
  if (lex.peek() == '(') {
    s.flags = flag_list(lex, c.limits.max_list_items);
  } else {
    do {
      s.flags.push_back(parse_flag(lex));
      if (s.flags.size() > c.limits.max_list_items) lex.error("Too many flags");
    } while (lex.try_sp());
  }
  lex.expect_end("STORE");
  return s;
}

template <typename T>
Command parse_copy_like(Ctx& c, std::string_view name) {
  T t;
  t.uid = c.uid;
  c.lex.sp("sequence set");
  t.set = parse_sequence_set(c.lex);
  t.mailbox = mailbox_arg(c, "destination mailbox");
  c.lex.expect_end(name);
  return t;
}

Command parse_uid_expunge(Ctx& c) {
  Expunge e;
  c.lex.sp("UID set");
  e.uids = parse_sequence_set(c.lex);
  c.lex.expect_end("UID EXPUNGE");
  return e;
}

// id = "ID" SP ("(" [string SP nstring *(SP string SP nstring)] ")" / nil) (RFC 2971 §3.3, §4)
Command parse_id(Ctx& c) {
  Id id;
  Lexer& lex = c.lex;
  lex.sp("ID parameter list");
  if (lex.try_word("NIL")) {
    lex.expect_end("ID");
    return id;
  }
  id.params.emplace();
  lex.expect('(', "'(' of ID parameter list");
  if (!lex.try_char(')')) do {
    std::string field = lex.string("ID field");
    lex.sp("ID value");
    auto value = lex.nstring("ID value");
    if (field.size() > 30) lex.error("ID field name longer than 30 octets");
    if (value && value->size() > 1024) lex.error("ID value longer than 1024 octets");
    id.params->emplace_back(std::move(field), std::move(value));
    if (id.params->size() > 30) lex.error("More than 30 ID field-value pairs");
  } while (!lex.list_end("ID parameter list", "ID field"));
  lex.expect_end("ID");
  return id;
}

Command parse_getquota(Ctx& c) {
  GetQuota q;
  c.lex.sp("quota root");
  q.root = c.lex.astring("quota root");
  c.lex.expect_end("GETQUOTA");
  return q;
}

// setquota = "SETQUOTA" SP quota-root-name SP "(" [resource-name SP resource-limit ...] ")"
Command parse_setquota(Ctx& c) {
  SetQuota q;
  Lexer& lex = c.lex;
  lex.sp("quota root");
  q.root = lex.astring("quota root");
  lex.sp("quota limits");
  lex.expect('(', "'(' of quota limits");
  if (!lex.try_char(')')) do {
    std::string name = str::to_upper(lex.atom("quota resource name"));
    lex.sp("quota resource limit");
    q.limits.emplace_back(std::move(name), lex.number64("quota resource limit"));
  } while (!lex.list_end("quota limits", "quota resource name"));
  lex.expect_end("SETQUOTA");
  return q;
}

template <typename T>
Command mailbox_identifier(Ctx& c, std::string_view name) {
  T t;
  t.mailbox = mailbox_arg(c);
  c.lex.sp("ACL identifier");
  t.identifier = c.lex.astring("ACL identifier");
  c.lex.expect_end(name);
  return t;
}

Command parse_setacl(Ctx& c) {
  SetAcl s;
  s.mailbox = mailbox_arg(c);
  c.lex.sp("ACL identifier");
  s.identifier = c.lex.astring("ACL identifier");
  c.lex.sp("ACL rights");
  s.rights = c.lex.astring("ACL rights");
  c.lex.expect_end("SETACL");
  return s;
}

// RFC 5464 §3.2: an entry name that breaks the rules is BAD.
std::string metadata_entry(Lexer& lex, bool scope_only) {
  std::string wire = lex.astring("METADATA entry name");
  auto name = canonical_entry(wire, scope_only);
  if (!name)
    lex.error("Invalid METADATA entry name '" + wire.substr(0, 64) +
              "' (it must start with /private/ or /shared/, without *, %, // or a trailing /)");
  return *name;
}

// getmetadata-options = "(" getmetadata-option *(SP getmetadata-option) ")" with MAXSIZE (§4.2.1)
// and DEPTH (§4.2.2); other options are unknown (BAD).
void metadata_options(Lexer& lex, GetMetadata& g) {
  lex.expect('(', "'(' of GETMETADATA options");
  bool depth_seen = false;
  do {
    if (lex.try_word("MAXSIZE")) {
      if (g.max_size) lex.error("MAXSIZE given twice");
      lex.sp("MAXSIZE value");
      g.max_size = lex.number("MAXSIZE value");
    } else if (lex.try_word("DEPTH")) {
      if (depth_seen) lex.error("DEPTH given twice");
      depth_seen = true;
      lex.sp("DEPTH value");
      if (lex.try_word("0")) g.depth = GetMetadata::Depth::Zero;
      else if (lex.try_word("1")) g.depth = GetMetadata::Depth::One;
      else if (lex.try_word("infinity")) g.depth = GetMetadata::Depth::Infinity;
      else lex.error("DEPTH must be 0, 1 or infinity");
    } else {
      lex.error("Unknown GETMETADATA option (MAXSIZE and DEPTH are supported)");
    }
  } while (!lex.list_end("GETMETADATA options", "GETMETADATA option"));
}

// An options list rather than entries: "(" then an option name, where entries start with "/" or a string.
bool at_metadata_options(const Lexer& lex) {
  auto rest = lex.rest();
  return rest.size() > 1 && rest[0] == '(' && is_alpha(rest[1]);
}

// getmetadata = "GETMETADATA" [SP getmetadata-options] SP mailbox SP entries (RFC 5464 §5). The
// options are also accepted after the mailbox, where the RFC's own examples (§4.2.1, §4.2.2) and
// Dovecot put them, and the entries also as several bare names (the example of §4.4.1).
Command parse_getmetadata(Ctx& c) {
  GetMetadata g;
  Lexer& lex = c.lex;
  lex.sp("mailbox name");
  bool options = at_metadata_options(lex);
  if (options) {
    metadata_options(lex, g);
    lex.sp("mailbox name");
  }
  g.mailbox = lex.mailbox("mailbox name");
  lex.sp("METADATA entries");
  if (!options && at_metadata_options(lex)) {
    metadata_options(lex, g);
    lex.sp("METADATA entries");
  }
  const bool list = lex.try_char('(');
  do {
    g.entries.push_back(metadata_entry(lex, true));
    if (g.entries.size() > kMaxMetadataEntries) lex.error("Too many METADATA entries in one command");
  } while (list ? !lex.list_end("METADATA entry list", "METADATA entry name") : lex.try_sp());
  lex.expect_end("GETMETADATA");
  return g;
}

// setmetadata = "SETMETADATA" SP mailbox SP "(" entry SP value *(SP entry SP value) ")" with
// value = nstring / literal8 (RFC 5464 §5).
Command parse_setmetadata(Ctx& c) {
  SetMetadata m;
  Lexer& lex = c.lex;
  m.mailbox = mailbox_arg(c);
  lex.sp("METADATA entry list");
  lex.expect('(', "'(' of METADATA entry list");
  do {
    std::string name = metadata_entry(lex, false);
    lex.sp("METADATA value");
    std::optional<std::string> value;
    if (!lex.try_word("NIL")) value = lex.string8("METADATA value").data;
    m.entries.emplace_back(std::move(name), std::move(value));
    if (m.entries.size() > kMaxMetadataEntries) lex.error("Too many METADATA entries in one command");
  } while (!lex.list_end("METADATA entry list", "METADATA entry name"));
  lex.expect_end("SETMETADATA");
  return m;
}

struct Entry {
  std::string_view name;
  Handler handler;
};

constexpr std::array<Entry, 40> kCommands = {{
    {"CAPABILITY", [](Ctx& c) { return no_args<Capability>(c, "CAPABILITY"); }},
    {"NOOP", [](Ctx& c) { return no_args<Noop>(c, "NOOP"); }},
    {"LOGOUT", [](Ctx& c) { return no_args<Logout>(c, "LOGOUT"); }},
    {"STARTTLS", [](Ctx& c) { return no_args<StartTls>(c, "STARTTLS"); }},
    {"CHECK", [](Ctx& c) { return no_args<Check>(c, "CHECK"); }},
    {"AUTHENTICATE", parse_authenticate},
    {"LOGIN", parse_login},
    {"ENABLE", parse_enable},
    {"SELECT", [](Ctx& c) { return parse_select_like(c, false); }},
    {"EXAMINE", [](Ctx& c) { return parse_select_like(c, true); }},
    {"CREATE", parse_create},
    {"DELETE", [](Ctx& c) { return one_mailbox<Delete>(c, "DELETE"); }},
    {"RENAME", parse_rename},
    {"SUBSCRIBE", [](Ctx& c) { return one_mailbox<Subscribe>(c, "SUBSCRIBE"); }},
    {"UNSUBSCRIBE", [](Ctx& c) { return one_mailbox<Unsubscribe>(c, "UNSUBSCRIBE"); }},
    {"LIST", parse_list},
    {"LSUB", parse_lsub},
    {"NAMESPACE", [](Ctx& c) { return no_args<Namespace>(c, "NAMESPACE"); }},
    {"STATUS", parse_status},
    {"APPEND", parse_append},
    {"IDLE", [](Ctx& c) { return no_args<Idle>(c, "IDLE"); }},
    {"CLOSE", [](Ctx& c) { return no_args<Close>(c, "CLOSE"); }},
    {"UNSELECT", [](Ctx& c) { return no_args<Unselect>(c, "UNSELECT"); }},
    {"EXPUNGE", [](Ctx& c) { return no_args<Expunge>(c, "EXPUNGE"); }},
    {"SEARCH", parse_search_cmd},
    {"FETCH", parse_fetch_cmd},
    {"STORE", parse_store},
    {"COPY", [](Ctx& c) { return parse_copy_like<Copy>(c, "COPY"); }},
    {"MOVE", [](Ctx& c) { return parse_copy_like<Move>(c, "MOVE"); }},
    {"ID", parse_id},
    {"GETQUOTA", parse_getquota},
    {"GETQUOTAROOT", [](Ctx& c) { return one_mailbox<GetQuotaRoot>(c, "GETQUOTAROOT"); }},
    {"SETQUOTA", parse_setquota},
    {"GETACL", [](Ctx& c) { return one_mailbox<GetAcl>(c, "GETACL"); }},
    {"SETACL", parse_setacl},
    {"DELETEACL", [](Ctx& c) { return mailbox_identifier<DeleteAcl>(c, "DELETEACL"); }},
    {"LISTRIGHTS", [](Ctx& c) { return mailbox_identifier<ListRights>(c, "LISTRIGHTS"); }},
    {"MYRIGHTS", [](Ctx& c) { return one_mailbox<MyRights>(c, "MYRIGHTS"); }},
    {"GETMETADATA", parse_getmetadata},
    {"SETMETADATA", parse_setmetadata},
}};

// uid = "UID" SP (copy / move / fetch / search / store / uid-expunge) (RFC 9051 §6.4.9)
constexpr std::array<Entry, 6> kUidCommands = {{
    {"COPY", [](Ctx& c) { return parse_copy_like<Copy>(c, "UID COPY"); }},
    {"MOVE", [](Ctx& c) { return parse_copy_like<Move>(c, "UID MOVE"); }},
    {"FETCH", parse_fetch_cmd},
    {"SEARCH", parse_search_cmd},
    {"STORE", parse_store},
    {"EXPUNGE", parse_uid_expunge},
}};

}  // namespace

std::string parse_flag(Lexer& lex, bool allow_recent) {
  static constexpr std::array<std::string_view, 6> kSystem = {"\\Answered", "\\Flagged", "\\Deleted",
                                                              "\\Seen", "\\Draft", "\\Recent"};
  if (lex.try_char('\\')) {
    const std::string f = "\\" + std::string(lex.atom("flag name after '\\'"));
    for (auto s : kSystem)
      if (str::iequals(s, f)) {
        if (s == "\\Recent" && !allow_recent) lex.error("\\Recent cannot be set by clients");
        return std::string(s);
      }
    return f;  // flag-extension
  }
  return std::string(lex.atom("flag"));
}

std::optional<StatusItem> status_item_from_name(std::string_view n) {
  static constexpr std::array<std::pair<std::string_view, StatusItem>, 11> kItems = {{
      {"MESSAGES", StatusItem::Messages}, {"UIDNEXT", StatusItem::UidNext},
      {"UIDVALIDITY", StatusItem::UidValidity}, {"UNSEEN", StatusItem::Unseen},
      {"DELETED", StatusItem::Deleted}, {"SIZE", StatusItem::Size},
      {"RECENT", StatusItem::Recent}, {"HIGHESTMODSEQ", StatusItem::HighestModSeq},
      {"APPENDLIMIT", StatusItem::AppendLimit}, {"MAILBOXID", StatusItem::MailboxId},
      {"DELETED-STORAGE", StatusItem::DeletedStorage},
  }};
  for (const auto& [name, item] : kItems)
    if (str::iequals(name, n)) return item;
  return std::nullopt;
}

std::string_view status_item_name(StatusItem item) {
  switch (item) {
    case StatusItem::Messages: return "MESSAGES";
    case StatusItem::UidNext: return "UIDNEXT";
    case StatusItem::UidValidity: return "UIDVALIDITY";
    case StatusItem::Unseen: return "UNSEEN";
    case StatusItem::Deleted: return "DELETED";
    case StatusItem::Size: return "SIZE";
    case StatusItem::Recent: return "RECENT";
    case StatusItem::HighestModSeq: return "HIGHESTMODSEQ";
    case StatusItem::AppendLimit: return "APPENDLIMIT";
    case StatusItem::MailboxId: return "MAILBOXID";
    case StatusItem::DeletedStorage: return "DELETED-STORAGE";
  }
  return "";
}

bool is_idle_done(std::string_view line) { return str::iequals(line, "DONE"); }
bool is_authenticate_cancel(std::string_view line) { return line == "*"; }

ParseResult parse_command(std::string_view name, std::string_view args, const Limits& limits) {
  ParseResult r;
  // The Receiver hands "tag NAME" with args "" and "tag NAME SP ..." with args "...": re-add the
  // SP so each handler can demand exactly one SP before its first argument.
  std::string with_sp;
  if (!args.empty()) {
    with_sp.reserve(args.size() + 1);
    with_sp.push_back(' ');
    with_sp.append(args);
  }
  Lexer lex(with_sp);
  try {
    bool uid = false;
    std::string cmd = str::to_upper(name);
    if (cmd == "UID") {
      uid = true;
      lex.sp("UID command");
      cmd = str::to_upper(lex.atom("UID command"));
      for (const auto& e : kUidCommands)
        if (e.name == cmd) {
          Ctx c{lex, limits, uid};
          r.command = e.handler(c);
          return r;
        }
      r.error = "Unknown UID command " + cmd;
      return r;
    }
    Ctx c{lex, limits, uid};
    for (const auto& e : kCommands)
      if (e.name == cmd) {
        r.command = e.handler(c);
        return r;
      }
    r.error = "Unknown command " + cmd;
  } catch (const SyntaxError& e) {
    r.command.reset();
    r.error = e.what();
  }
  return r;
}

}  // namespace postamt::imap::protocol
