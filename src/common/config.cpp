// postamt.toml loading and validation (toml++): every problem is a config::Error naming file and line;
// unknown keys and sections are errors. Also the commented default file `postamt init` writes.
#include "common/config.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <regex.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <system_error>

#include <toml++/toml.h>

#include "common/fs.hpp"
#include "common/log.hpp"

namespace postamt::config {
namespace {
namespace stdfs = std::filesystem;

constexpr std::size_t kMaxConfigBytes = 1 << 20;  // a config file larger than this is a mistake

struct Loader {
  std::string file;  // as given by the caller, for messages
  stdfs::path dir;   // directory of the config file (absolute): base of relative paths

  [[noreturn]] void fail(int line, const std::string& message) const { throw Error(file, line, message); }
  [[noreturn]] void fail(const toml::node& node, const std::string& message) const {
    fail(static_cast<int>(node.source().begin.line), message);
  }
};

int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

std::string type_name(const toml::node& n) {
  return std::string(toml::impl::node_type_friendly_names[static_cast<int>(n.type())]);
}

// A table section such as [limits]: keys are checked against the allowed list before being read.
class Section {
 public:
  Section(const Loader& l, const toml::table& t, std::string name) : l_(l), t_(t), name_(std::move(name)) {}

  void allow_only(std::initializer_list<std::string_view> keys) const {
    for (auto&& [k, v] : t_) {
      bool ok = false;
      for (auto a : keys) ok = ok || k.str() == a;
      if (!ok) l_.fail(static_cast<int>(k.source().begin.line), "unknown key '" + std::string(k.str()) + "' in " + name_);
    }
  }

  const toml::node* node(std::string_view key) const { return t_.get(key); }

  [[noreturn]] void wrong_type(const toml::node& n, std::string_view key, const char* want) const {
    l_.fail(n, "'" + std::string(key) + "' in " + name_ + " must be " + want + ", not " + type_name(n));
  }

  std::optional<std::string> string(std::string_view key) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) wrong_type(*n, key, "a string");
    return n->as_string()->get();
  }

  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_integer()) wrong_type(*n, key, "an integer");
    std::int64_t v = n->as_integer()->get();
    if (v < min || v > max)
      l_.fail(*n, "'" + std::string(key) + "' in " + name_ + " is " + std::to_string(v) + ", must be " +
                      std::to_string(min) + ".." + std::to_string(max));
    return v;
  }

  // A byte size: integer or "50M"-style string (parse_size).
  std::optional<std::uint64_t> size(std::string_view key, std::uint64_t min) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    std::optional<std::uint64_t> v;
    if (n->is_integer()) {
      std::int64_t i = n->as_integer()->get();
      if (i >= 0) v = static_cast<std::uint64_t>(i);
    } else if (n->is_string()) {
      v = parse_size(n->as_string()->get());
    } else {
      wrong_type(*n, key, "a size (integer bytes or a string like \"50M\")");
    }
    if (!v) l_.fail(*n, "'" + std::string(key) + "' in " + name_ + " is not a size (bytes, or \"<n>K\", \"<n>M\", \"<n>G\")");
    if (*v < min) l_.fail(*n, "'" + std::string(key) + "' in " + name_ + " must be at least " + std::to_string(min));
    return v;
  }

  std::optional<bool> boolean(std::string_view key) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_boolean()) wrong_type(*n, key, "true or false");
    return n->as_boolean()->get();
  }

  // A path, resolved against the config file's directory.
  std::optional<stdfs::path> path(std::string_view key) const {
    auto s = string(key);
    if (!s) return std::nullopt;
    if (s->empty()) l_.fail(*node(key), "'" + std::string(key) + "' in " + name_ + " must not be empty");
    stdfs::path p(*s);
    p = (p.is_absolute() ? p : l_.dir / p).lexically_normal();
    if (!p.has_filename() && p.has_relative_path()) p = p.parent_path();  // "dir/" (from ".") -> "dir"
    return p;
  }

  const std::string& name() const { return name_; }

 private:
  const Loader& l_;
  const toml::table& t_;
  std::string name_;
};

const toml::table& require_table(const Loader& l, const toml::node& n, const std::string& name) {
  if (!n.is_table()) l.fail(n, "'" + name + "' must be a table ([" + name + "]), not " + type_name(n));
  return *n.as_table();
}

bool valid_hostname(std::string_view h) {
  if (h.empty() || h.size() > 253 || h.front() == '.' || h.front() == '-') return false;
  for (char c : h) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-')) return false;
  }
  return true;
}

std::string system_hostname() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == 0) return "localhost";
  return buf;
}

void load_server(const Loader& l, const toml::table& t, Config& c) {
  Section s(l, t, "[server]");
  s.allow_only({"data_dir", "hostname", "user", "log_level"});
  if (auto p = s.path("data_dir")) c.data_dir = *p;
  if (auto h = s.string("hostname")) {
    if (!valid_hostname(*h)) l.fail(*s.node("hostname"), "hostname '" + *h + "' is not a valid host name");
    c.hostname = *h;
  }
  if (auto u = s.string("user")) c.run_as_user = *u;
  if (auto v = s.string("log_level")) {
    log::Level level;
    if (!log::parse_level(*v, level))
      l.fail(*s.node("log_level"), "log_level '" + *v + "' must be one of debug, info, warn, error");
    c.log_level = *v;
  }
}

void load_limits(const Loader& l, const toml::table& t, Config& c) {
  Section s(l, t, "[limits]");
  s.allow_only({"max_message_size", "max_connections", "max_connections_per_ip", "idle_timeout_seconds",
                "max_line_length"});
  if (auto v = s.size("max_message_size", 1024)) c.max_message_size = *v;
  constexpr std::int64_t kU32 = 0xffffffffLL;
  if (auto v = s.integer("max_connections", 1, kU32)) c.max_connections = static_cast<std::uint32_t>(*v);
  if (auto v = s.integer("max_connections_per_ip", 1, kU32)) c.max_connections_per_ip = static_cast<std::uint32_t>(*v);
  if (auto v = s.integer("idle_timeout_seconds", 1, 86400)) c.idle_timeout_seconds = static_cast<std::uint32_t>(*v);
  // RFC 5321 §4.5.3.1.6: a text line of 1000 octets must be accepted; 64 MiB bounds the buffers.
  if (auto v = s.integer("max_line_length", 1000, 64LL << 20)) c.max_line_length = static_cast<std::uint32_t>(*v);
}

// A certificate + key pair (of [tls] or one [[tls.sni]]); both files must be readable now.
void check_readable(const Loader& l, const toml::node& at, const char* what, const stdfs::path& p) {
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) l.fail(at, std::string("cannot read ") + what + " file " + p.string() + ": " + std::strerror(errno));
  ::close(fd);
  std::error_code ec;
  if (!stdfs::is_regular_file(p, ec)) l.fail(at, std::string(what) + " file " + p.string() + " is not a regular file");
}

TlsCertificate load_pair(const Loader& l, const Section& s) {
  TlsCertificate pair;
  auto cert = s.path("cert");
  auto key = s.path("key");
  if (cert && !key) l.fail(*s.node("cert"), s.name() + " has 'cert' but no 'key'");
  if (key && !cert) l.fail(*s.node("key"), s.name() + " has 'key' but no 'cert'");
  if (!cert) return pair;
  check_readable(l, *s.node("cert"), "certificate", *cert);
  check_readable(l, *s.node("key"), "key", *key);
  pair.cert = *cert;
  pair.key = *key;
  return pair;
}

void load_tls(const Loader& l, const toml::table& t, Config& c) {
  Section s(l, t, "[tls]");
  s.allow_only({"min_version", "cert", "key", "sni"});
  if (auto v = s.string("min_version")) {
    if (*v != "1.2" && *v != "1.3") l.fail(*s.node("min_version"), "min_version '" + *v + "' must be \"1.2\" or \"1.3\"");
    c.tls_min_version = *v;
  }
  TlsCertificate def = load_pair(l, s);
  if (!def.cert.empty()) c.certificates.push_back(def);
  const toml::node* sni = s.node("sni");
  if (!sni) return;
  if (!sni->is_array_of_tables()) l.fail(*sni, "'sni' in [tls] must be written as [[tls.sni]] tables");
  if (def.cert.empty()) l.fail(*sni, "[[tls.sni]] needs a default certificate: set cert and key in [tls]");
  for (const toml::node& e : *sni->as_array()) {
    Section es(l, *e.as_table(), "[[tls.sni]]");
    es.allow_only({"names", "cert", "key"});
    TlsCertificate pair = load_pair(l, es);
    if (pair.cert.empty()) l.fail(e, "[[tls.sni]] needs cert and key");
    const toml::node* names = es.node("names");
    if (!names) l.fail(e, "[[tls.sni]] needs names = [\"host.example\", ...]");
    if (!names->is_array() || names->as_array()->empty())
      l.fail(*names, "'names' in [[tls.sni]] must be a non-empty array of host names");
    for (const toml::node& n : *names->as_array()) {
      if (!n.is_string()) l.fail(n, "'names' in [[tls.sni]] must hold strings, not " + type_name(n));
      std::string name = n.as_string()->get();
      std::string_view check = name;
      if (check.starts_with("*.")) check.remove_prefix(2);  // wildcard names: "*.example.org"
      if (!valid_hostname(check)) l.fail(n, "'" + name + "' in [[tls.sni]] names is not a valid host name");
      pair.names.push_back(name);
    }
    c.certificates.push_back(std::move(pair));
  }
}

// Which TLS modes make sense for each protocol (RFC 8314 §3: implicit TLS for submission, POP3, IMAP;
// MX SMTP, LMTP and ManageSieve have no implicit-TLS port).
bool tls_allowed(std::string_view protocol, TlsMode mode) {
  if (protocol == "smtp" || protocol == "lmtp" || protocol == "managesieve") return mode != TlsMode::Implicit;
  if (protocol == "web") return mode != TlsMode::StartTls;
  return true;  // submission, pop3, imap
}

const char* allowed_modes(std::string_view protocol) {
  if (protocol == "smtp" || protocol == "lmtp" || protocol == "managesieve") return "\"none\" or \"starttls\"";
  if (protocol == "web") return "\"none\" or \"implicit\"";
  return "\"none\", \"starttls\" or \"implicit\"";
}

// The address in canonical text form (so "::1" and "0::1" compare equal); nullopt if not an IP literal.
std::optional<std::string> canonical_ip(const std::string& a, int& family) {
  unsigned char buf[16];
  char out[INET6_ADDRSTRLEN];
  for (int af : {AF_INET, AF_INET6}) {
    if (::inet_pton(af, a.c_str(), buf) == 1 && ::inet_ntop(af, buf, out, sizeof out)) {
      family = af;
      return std::string(out);
    }
  }
  return std::nullopt;
}

// A [[listener]] with path = "...": LMTP on a unix-domain socket (RFC 2033 §1 names both transports).
void load_socket_listener(const Loader& l, const Section& s, const toml::node& e, Listener& li,
                          std::vector<std::pair<stdfs::path, int>>& bound_paths) {
  if (li.protocol != "lmtp") l.fail(*s.node("path"), "path = (a unix socket) is only for protocol = \"lmtp\"");
  for (const char* key : {"address", "port"})
    if (const toml::node* n = s.node(key)) l.fail(*n, std::string("a listener with path = has no '") + key + "'");
  if (auto m = s.string("tls"); m && *m != "none") l.fail(*s.node("tls"), "a unix-socket listener has tls = \"none\"");
  li.path = *s.path("path");
  if (li.path.native().size() >= 100)  // sockaddr_un.sun_path holds 108 bytes with the NUL
    l.fail(*s.node("path"), "socket path " + li.path.string() + " is too long (at most 99 bytes)");
  if (auto m = s.string("mode")) {
    bool ok = !m->empty() && m->size() <= 4;
    std::uint32_t v = 0;
    for (char ch : *m) {
      ok = ok && ch >= '0' && ch <= '7';
      v = v * 8 + static_cast<std::uint32_t>(ch - '0');
    }
    if (!ok || v > 0777) l.fail(*s.node("mode"), "mode '" + *m + "' must be octal permissions such as \"0660\"");
    li.mode = v;
  }
  for (const auto& [p, line] : bound_paths)
    if (p == li.path) l.fail(e, "listener path " + p.string() + " is also used on line " + std::to_string(line));
  bound_paths.emplace_back(li.path, line_of(e));
}

void load_listeners(const Loader& l, const toml::node& node, Config& c) {
  if (!node.is_array_of_tables()) l.fail(node, "'listener' must be written as [[listener]] tables");
  struct Bound { std::string address; int family; std::uint16_t port; int line; };
  std::vector<Bound> bound;
  std::vector<std::pair<stdfs::path, int>> bound_paths;
  for (const toml::node& e : *node.as_array()) {
    Section s(l, *e.as_table(), "[[listener]]");
    s.allow_only({"protocol", "address", "port", "tls", "path", "mode"});
    Listener li;
    auto protocol = s.string("protocol");
    if (!protocol) l.fail(e, "[[listener]] needs protocol = \"smtp\" (or submission, lmtp, pop3, imap, managesieve)");
    static constexpr std::string_view kProtocols[] = {"smtp", "submission", "lmtp", "pop3", "imap", "managesieve", "web"};
    bool known = false;
    for (auto p : kProtocols) known = known || *protocol == p;
    if (!known)
      l.fail(*s.node("protocol"), "unknown protocol '" + *protocol +
                                      "' (known: smtp, submission, lmtp, pop3, imap, managesieve, web)");
    li.protocol = *protocol;
    if (s.node("path")) {
      load_socket_listener(l, s, e, li, bound_paths);
      c.listeners.push_back(std::move(li));
      continue;
    }
    if (const toml::node* m = s.node("mode")) l.fail(*m, "'mode' in [[listener]] is only for a unix socket (path = ...)");
    int family = 0;
    if (auto a = s.string("address")) {
      auto canon = canonical_ip(*a, family);
      if (!canon) l.fail(*s.node("address"), "address '" + *a + "' must be an IPv4 or IPv6 address (no brackets)");
      li.address = *canon;
    } else {
      canonical_ip(li.address, family);
    }
    auto port = s.integer("port", 1, 65535);
    if (!port) l.fail(e, "[[listener]] needs port = <1..65535>");
    li.port = static_cast<std::uint16_t>(*port);
    if (auto m = s.string("tls")) {
      if (*m == "none") li.tls = TlsMode::None;
      else if (*m == "starttls") li.tls = TlsMode::StartTls;
      else if (*m == "implicit") li.tls = TlsMode::Implicit;
      else l.fail(*s.node("tls"), "tls '" + *m + "' must be \"none\", \"starttls\" or \"implicit\"");
      if (!tls_allowed(li.protocol, li.tls))
        l.fail(*s.node("tls"), "tls = \"" + *m + "\" is not possible for " + li.protocol + "; use " +
                                   allowed_modes(li.protocol));
    }
    if (li.tls != TlsMode::None && c.certificates.empty())
      l.fail(e, li.protocol + " listener on port " + std::to_string(li.port) +
                    " uses TLS but [tls] names no cert and key");
    // Two sockets on the same port clash when the addresses are equal or one is the wildcard of its family.
    const std::string any = family == AF_INET ? "0.0.0.0" : "::";
    for (const auto& b : bound) {
      if (b.port != li.port || b.family != family) continue;
      if (b.address == li.address || b.address == any || li.address == any)
        l.fail(e, "listener " + li.address + " port " + std::to_string(li.port) + " clashes with the listener on line " +
                      std::to_string(b.line) + " (" + b.address + " port " + std::to_string(b.port) + ")");
    }
    bound.push_back({li.address, family, li.port, line_of(e)});
    c.listeners.push_back(std::move(li));
  }
}

void load_smtp(const Loader& l, const toml::table& t, Config& c) {
  Section s(l, t, "[smtp]");
  s.allow_only({"relay_networks", "pop_before_smtp_seconds"});
  if (auto v = s.integer("pop_before_smtp_seconds", 0, 7 * 86400))
    c.pop_before_smtp_seconds = static_cast<std::uint32_t>(*v);
  if (const toml::node* n = s.node("relay_networks")) {
    if (!n->is_array()) s.wrong_type(*n, "relay_networks", "an array of networks such as [\"192.0.2.0/24\"]");
    for (const toml::node& e : *n->as_array()) {
      if (!e.is_string() || !parse_network(e.as_string()->get()))
        l.fail(e, "relay_networks entries must be networks such as \"192.0.2.0/24\" or \"2001:db8::/32\"");
      c.relay_networks.push_back(e.as_string()->get());
    }
  }
}

void load_delivery(const Loader& l, const toml::table& t, Config& c) {
  Section s(l, t, "[delivery]");
  s.allow_only({"default_mailbox", "recipient_delimiter"});
  if (auto m = s.string("default_mailbox")) {
    bool ok = !m->empty() && m->size() <= 255;
    for (unsigned char ch : *m) ok = ok && ch >= 0x20 && ch != 0x7f;
    if (!ok) l.fail(*s.node("default_mailbox"), "default_mailbox must be a mailbox name (1..255 printable characters)");
    c.default_mailbox = *m;
  }
  if (auto d = s.string("recipient_delimiter")) {
    // "" disables user+tag addressing; otherwise one ASCII punctuation character such as "+" or "-".
    bool ok = d->empty() || (d->size() == 1 && std::ispunct(static_cast<unsigned char>((*d)[0])) && (*d)[0] != '@' &&
                             (*d)[0] != '"' && (*d)[0] != '\\');
    if (!ok) l.fail(*s.node("recipient_delimiter"), "recipient_delimiter must be \"\" or one punctuation character such as \"+\"");
    c.recipient_delimiter = d->empty() ? '\0' : (*d)[0];
  }
}

void load_quota(const Loader& l, const toml::table& t, Config& c) {
  Section s(l, t, "[quota]");
  s.allow_only({"storage", "messages", "warning_percent", "over_quota_reply"});
  if (auto v = s.size("storage", 0)) c.quota.storage = *v;
  if (auto v = s.integer("messages", 0, 1000000000000)) c.quota.messages = static_cast<std::uint64_t>(*v);
  if (auto v = s.integer("warning_percent", 0, 100)) c.quota.warning_percent = static_cast<std::uint32_t>(*v);
  if (auto r = s.string("over_quota_reply")) {
    if (*r != "temporary" && *r != "permanent")
      l.fail(*s.node("over_quota_reply"), "over_quota_reply must be \"temporary\" (452 4.2.2) or \"permanent\" (552 5.2.2)");
    c.quota.permanent = *r == "permanent";
  }
}

void load_admin(const Loader& l, const toml::table& t, Config& c) {
  Section s(l, t, "[admin]");
  s.allow_only({"users", "contact"});
  if (const toml::node* n = s.node("users")) {
    if (!n->is_array()) s.wrong_type(*n, "users", "an array of addresses such as [\"admin@example.org\"]");
    for (const toml::node& e : *n->as_array()) {
      if (!e.is_string() || e.as_string()->get().find('@') == std::string::npos)
        l.fail(e, "[admin] users entries must be user addresses such as \"admin@example.org\"");
      c.admins.push_back(e.as_string()->get());
    }
  }
  if (auto contact = s.string("contact")) {
    // RFC 5464 §3.2.1.1: /shared/admin "MUST be a URI"; RFC 3986 §3.1 scheme, then printable ASCII.
    const auto colon = contact->find(':');
    bool ok = contact->empty() || (colon != std::string::npos && colon > 0 && colon + 1 < contact->size() &&
                                   contact->size() <= 1024 && std::isalpha(static_cast<unsigned char>((*contact)[0])));
    for (std::size_t i = 0; ok && i < contact->size(); ++i) {
      auto ch = static_cast<unsigned char>((*contact)[i]);
      ok = ch > 0x20 && ch < 0x7f && (i >= colon || std::isalnum(ch) || ch == '+' || ch == '-' || ch == '.');
    }
    if (!ok)
      l.fail(*s.node("contact"),
             "[admin] contact must be a URI such as \"mailto:postmaster@example.org\" or \"tel:+1-555-0100\"");
    c.admin_contact = *contact;
  }
}

void load_queue(const Loader& l, const toml::table& t, Config& c) {
  Section s(l, t, "[queue]");
  s.allow_only({"retry_initial_seconds", "retry_max_seconds", "max_age_seconds", "workers",
                "concurrency_per_destination", "remote_port", "smarthost", "smarthost_user", "smarthost_password",
                "resolvers", "dns_timeout_ms", "smtp_timeout_seconds", "tls", "tls_policy", "tls_ca_file",
                "mta_sts", "mta_sts_ca_file"});
  auto& q = c.queue;
  if (auto v = s.integer("retry_initial_seconds", 1, 86400)) q.retry_initial_seconds = static_cast<std::uint32_t>(*v);
  if (auto v = s.integer("retry_max_seconds", 1, 7 * 86400)) q.retry_max_seconds = static_cast<std::uint32_t>(*v);
  if (auto v = s.integer("max_age_seconds", 1, 60 * 86400)) q.max_age_seconds = static_cast<std::uint32_t>(*v);
  if (auto v = s.integer("workers", 1, 1000)) q.workers = static_cast<std::uint32_t>(*v);
  if (auto v = s.integer("concurrency_per_destination", 1, 100)) q.concurrency_per_destination = static_cast<std::uint32_t>(*v);
  if (auto v = s.integer("remote_port", 1, 65535)) q.remote_port = static_cast<std::uint16_t>(*v);
  if (auto v = s.string("smarthost")) q.smarthost = *v;
  if (auto v = s.string("smarthost_user")) q.smarthost_user = *v;
  if (auto v = s.string("smarthost_password")) q.smarthost_password = *v;
  if (auto v = s.integer("dns_timeout_ms", 10, 60000)) q.dns_timeout_ms = static_cast<std::uint32_t>(*v);
  if (auto v = s.integer("smtp_timeout_seconds", 1, 3600)) q.smtp_timeout_seconds = static_cast<std::uint32_t>(*v);
  auto policy_ok = [](const std::string& p) { return p == "none" || p == "may" || p == "encrypt" || p == "verify"; };
  if (auto v = s.string("tls")) {
    if (!policy_ok(*v)) l.fail(*s.node("tls"), "tls in [queue] must be \"none\", \"may\", \"encrypt\" or \"verify\"");
    q.tls = *v;
  }
  if (auto p = s.path("tls_ca_file")) q.tls_ca_file = *p;
  if (auto v = s.boolean("mta_sts")) q.mta_sts = *v;
  if (auto p = s.path("mta_sts_ca_file")) q.mta_sts_ca_file = *p;
  if (const toml::node* n = s.node("resolvers")) {
    if (!n->is_array()) s.wrong_type(*n, "resolvers", "an array of addresses such as [\"127.0.0.1:5353\"]");
    for (const toml::node& e : *n->as_array()) {
      bool ok = e.is_string() && !e.as_string()->get().empty();
      if (ok)
        for (char ch : e.as_string()->get()) ok = ok && (std::isxdigit(static_cast<unsigned char>(ch)) || ch == '.' || ch == ':' || ch == '[' || ch == ']');
      if (!ok) l.fail(e, "resolvers entries must be addresses such as \"192.0.2.53\" or \"127.0.0.1:5353\"");
      q.resolvers.push_back(e.as_string()->get());
    }
  }
  if (const toml::node* n = s.node("tls_policy")) {
    if (!n->is_table()) s.wrong_type(*n, "tls_policy", "a table of domain = \"policy\"");
    for (auto&& [k, v] : *n->as_table()) {
      if (!v.is_string() || !policy_ok(v.as_string()->get()))
        l.fail(v, "[queue.tls_policy] values must be \"none\", \"may\", \"encrypt\" or \"verify\"");
      std::string domain(k.str());
      for (auto& ch : domain) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      q.tls_policy.emplace_back(domain, v.as_string()->get());
    }
  }
}

void load_mailauth(const Loader& l, const toml::table& t, Config& c) {
  Section s(l, t, "[mailauth]");
  s.allow_only({"inbound", "dmarc_enforce", "junk_mailbox", "dkim_sign"});
  auto& m = c.mailauth;
  if (auto v = s.boolean("inbound")) m.inbound = *v;
  if (auto v = s.boolean("dkim_sign")) m.dkim_sign = *v;
  if (auto v = s.string("dmarc_enforce")) {
    if (*v != "reject" && *v != "quarantine-only" && *v != "none")
      l.fail(*s.node("dmarc_enforce"), "dmarc_enforce in [mailauth] must be \"reject\", \"quarantine-only\" or \"none\"");
    m.dmarc_enforce = *v;
  }
  if (auto v = s.string("junk_mailbox")) {
    bool ok = !v->empty() && v->size() <= 255;
    for (unsigned char ch : *v) ok = ok && ch >= 0x20 && ch != 0x7f;
    if (!ok) l.fail(*s.node("junk_mailbox"), "junk_mailbox must be a mailbox name (1..255 printable characters)");
    m.junk_mailbox = *v;
  }
}

void load_managesieve(const Loader& l, const toml::table& t, Config& c) {
  Section s(l, t, "[managesieve]");
  s.allow_only({"max_scripts", "max_script_size"});
  if (auto v = s.integer("max_scripts", 1, 100000)) c.managesieve.max_scripts = static_cast<std::uint32_t>(*v);
  // The script store keeps at most 1 MiB per script (store::SieveScripts::kMaxScriptSize).
  if (auto v = s.size("max_script_size", 1)) {
    if (*v > (1u << 20)) l.fail(*s.node("max_script_size"), "max_script_size in [managesieve] must be at most 1M");
    c.managesieve.max_script_size = static_cast<std::uint32_t>(*v);
  }
}

// One scanner's keys of [sieve] (prefix "spamtest_" or "virustest_"); top = the highest value (10 / 5).
void load_scanner_test(const Loader& l, const Section& s, const std::string& prefix, int top, ScannerTestConfig& t) {
  auto header_setting = [&](const std::string& key) -> std::string {
    auto v = s.string(key);
    if (!v || v->empty()) return "";
    auto split = split_header_setting(*v);
    if (!split) l.fail(*s.node(key), key + " in [sieve] must be \"Header-Name\" or \"Header-Name: regex\"");
    if (!split->second.empty()) {
      if (split->second.size() > 1024) l.fail(*s.node(key), "the regex of " + key + " is longer than 1024 characters");
      // POSIX extended regex, as the Sieve regex extension here and Pigeonhole use it.
      regex_t re;
      if (int rc = regcomp(&re, split->second.c_str(), REG_EXTENDED); rc != 0) {
        char buf[256];
        regerror(rc, &re, buf, sizeof buf);
        l.fail(*s.node(key), "the regex of " + key + " is not valid: " + buf);
      }
      std::size_t groups = re.re_nsub;
      regfree(&re);
      if (groups < 1) l.fail(*s.node(key), "the regex of " + key + " needs a group ( ) around the value");
    }
    return *v;
  };
  t.header = header_setting(prefix + "header");
  t.max_header = header_setting(prefix + "max_header");
  if (auto v = s.string(prefix + "type")) {
    if (*v != "score" && *v != "strlen" && *v != "text")
      l.fail(*s.node(prefix + "type"), prefix + "type in [sieve] must be \"score\", \"strlen\" or \"text\"");
    t.type = *v;
  }
  if (const toml::node* n = s.node(prefix + "max")) {
    double v = 0;
    if (n->is_integer()) v = static_cast<double>(n->as_integer()->get());
    else if (n->is_floating_point()) v = n->as_floating_point()->get();
    else s.wrong_type(*n, prefix + "max", "a number");
    if (!(v > 0 && v <= 1e9)) l.fail(*n, prefix + "max in [sieve] must be a number above 0");
    t.max = v;
  }
  if (const toml::node* n = s.node(prefix + "text")) {
    if (!n->is_table())
      l.fail(*n, prefix + "text in [sieve] must be a table such as { \"No\" = 1, \"Yes\" = " + std::to_string(top) + " }");
    for (auto&& [k, v] : *n->as_table()) {
      if (!v.is_integer() || v.as_integer()->get() < 0 || v.as_integer()->get() > top)
        l.fail(v, "'" + std::string(k.str()) + "' in " + prefix + "text must be an integer 0.." + std::to_string(top));
      t.text.emplace_back(std::string(k.str()), static_cast<int>(v.as_integer()->get()));
    }
  }
  if (!t.header.empty() && t.type == "text" && t.text.empty())
    l.fail(*s.node(prefix + "header"), prefix + "type = \"text\" needs " + prefix + "text (verdict = value)");
}

void load_sieve(const Loader& l, const toml::table& t, Config& c) {
  Section s(l, t, "[sieve]");
  s.allow_only({"spamtest_header", "spamtest_type", "spamtest_max", "spamtest_max_header", "spamtest_text",
                "virustest_header", "virustest_type", "virustest_max", "virustest_max_header", "virustest_text"});
  load_scanner_test(l, s, "spamtest_", 10, c.sieve.spamtest);
  load_scanner_test(l, s, "virustest_", 5, c.sieve.virustest);
}

}  // namespace

std::optional<std::pair<std::string, std::string>> split_header_setting(std::string_view setting) {
  auto colon = setting.find(':');
  std::string_view name = setting.substr(0, colon);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
  if (name.empty()) return std::nullopt;
  for (unsigned char ch : name) {
    if (ch <= 0x20 || ch >= 0x7f) return std::nullopt;  // RFC 5322 §3.6.8 field name
  }
  std::string_view regex = colon == std::string_view::npos ? std::string_view() : setting.substr(colon + 1);
  while (!regex.empty() && (regex.front() == ' ' || regex.front() == '\t')) regex.remove_prefix(1);
  return std::pair{std::string(name), std::string(regex)};
}

Error::Error(std::string file, int line, std::string message)
    : std::runtime_error(line > 0 ? file + ":" + std::to_string(line) + ": " + message : file + ": " + message),
      file_(std::move(file)),
      line_(line),
      message_(std::move(message)) {}

const char* to_string(TlsMode mode) {
  switch (mode) {
    case TlsMode::None: return "none";
    case TlsMode::StartTls: return "starttls";
    case TlsMode::Implicit: return "implicit";
  }
  return "none";
}

std::optional<Network> parse_network(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string address(text.substr(0, text.find('/')));
  Network n;
  if (::inet_pton(AF_INET, address.c_str(), n.bytes) == 1) {
    n.family = AF_INET;
    n.prefix = 32;
  } else if (::inet_pton(AF_INET6, address.c_str(), n.bytes) == 1) {
    n.family = AF_INET6;
    n.prefix = 128;
  } else {
    return std::nullopt;
  }
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    int prefix = 0;
    for (char ch : digits) {
      if (ch < '0' || ch > '9') return std::nullopt;
      prefix = prefix * 10 + (ch - '0');
    }
    if (prefix > n.prefix) return std::nullopt;
    n.prefix = prefix;
  }
  return n;
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  if (text.empty() || text.size() > 24) return std::nullopt;
  std::uint64_t multiplier = 1;
  switch (text.back()) {
    case 'k': case 'K': multiplier = 1ull << 10; break;
    case 'm': case 'M': multiplier = 1ull << 20; break;
    case 'g': case 'G': multiplier = 1ull << 30; break;
    default: break;
  }
  if (multiplier != 1) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  std::uint64_t v = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return std::nullopt;
    if (v > (UINT64_MAX - 9) / 10) return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(ch - '0');
  }
  if (v > UINT64_MAX / multiplier) return std::nullopt;
  return v * multiplier;
}

Config load(const stdfs::path& file) {
  Loader l;
  l.file = file.string();
  Config c;
  c.file = stdfs::absolute(file).lexically_normal();
  l.dir = c.file.parent_path();
  c.data_dir = l.dir;

  std::string text;
  try {
    text = fs::read_file(file);
  } catch (const std::system_error& e) {
    l.fail(0, "cannot read config file: " + e.code().message());
  }
  if (text.size() > kMaxConfigBytes) l.fail(0, "config file is larger than 1 MiB");

  toml::table root;
  try {
    root = toml::parse(text, l.file);
  } catch (const toml::parse_error& e) {
    l.fail(static_cast<int>(e.source().begin.line), "syntax error: " + std::string(e.description()));
  }

  for (auto&& [k, v] : root) {
    std::string_view key = k.str();
    if (key != "server" && key != "limits" && key != "tls" && key != "listener" && key != "smtp" && key != "delivery" &&
        key != "queue" && key != "mailauth" && key != "quota" && key != "admin" &&
        key != "managesieve" && key != "sieve")
      l.fail(static_cast<int>(k.source().begin.line),
             "unknown section '" + std::string(key) +
                 "' (known: server, limits, tls, listener, smtp, delivery, queue, mailauth, quota, admin, managesieve, sieve)");
  }
  // Order matters: [tls] before [[listener]] (TLS listeners need a certificate).
  if (auto* n = root.get("server")) load_server(l, require_table(l, *n, "server"), c);
  if (auto* n = root.get("limits")) load_limits(l, require_table(l, *n, "limits"), c);
  if (auto* n = root.get("tls")) load_tls(l, require_table(l, *n, "tls"), c);
  if (auto* n = root.get("listener")) load_listeners(l, *n, c);
  if (auto* n = root.get("smtp")) load_smtp(l, require_table(l, *n, "smtp"), c);
  if (auto* n = root.get("delivery")) load_delivery(l, require_table(l, *n, "delivery"), c);
  if (auto* n = root.get("queue")) load_queue(l, require_table(l, *n, "queue"), c);
  if (auto* n = root.get("mailauth")) load_mailauth(l, require_table(l, *n, "mailauth"), c);
  if (auto* n = root.get("managesieve")) load_managesieve(l, require_table(l, *n, "managesieve"), c);
  if (auto* n = root.get("sieve")) load_sieve(l, require_table(l, *n, "sieve"), c);
  if (auto* n = root.get("quota")) load_quota(l, require_table(l, *n, "quota"), c);
  if (auto* n = root.get("admin")) load_admin(l, require_table(l, *n, "admin"), c);

  if (c.hostname.empty()) c.hostname = system_hostname();
  std::error_code ec;
  if (!stdfs::is_directory(c.data_dir, ec)) {
    const toml::node* at = root.at_path("server.data_dir").node();
    l.fail(at ? line_of(*at) : 0, "data_dir " + c.data_dir.string() + " is not a directory");
  }
  return c;
}

namespace {
// A TOML basic string (TOML 1.0 "Basic strings": escape quote, backslash and control characters).
std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char ch : s) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += static_cast<char>(ch);
    } else if (ch < 0x20 || ch == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04X", ch);
      out += buf;
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out + "\"";
}

struct DefaultListener {
  const char* comment;
  const char* protocol;
  int port;
  TlsMode tls;
};

// DESIGN.md "Network and TLS": 465, 993 and 995 are implicit TLS; the others offer STARTTLS.
constexpr DefaultListener kDefaultListeners[] = {
    {"SMTP for mail from other servers (MX)", "smtp", 25, TlsMode::StartTls},
    {"submission for your users' mail clients (RFC 6409)", "submission", 587, TlsMode::StartTls},
    {"submission over implicit TLS (RFC 8314)", "submission", 465, TlsMode::Implicit},
    {"LMTP for local delivery from other software; keep it on loopback (no TLS, no authentication)", "lmtp", 24,
     TlsMode::None},
    {"POP3 with STLS", "pop3", 110, TlsMode::StartTls},
    {"POP3 over implicit TLS", "pop3", 995, TlsMode::Implicit},
    {"IMAP with STARTTLS", "imap", 143, TlsMode::StartTls},
    {"IMAP over implicit TLS", "imap", 993, TlsMode::Implicit},
    {"ManageSieve for filter scripts (RFC 5804)", "managesieve", 4190, TlsMode::StartTls},
};

bool is_loopback(const std::string& address) {
  return address == "::1" || address.starts_with("127.");
}
}  // namespace

std::string default_file(const InitOptions& opts) {
  const Config d;  // the compiled-in defaults, so the file cannot drift from them
  std::string hostname = opts.hostname.empty() ? system_hostname() : opts.hostname;
  std::string o;
  auto line = [&o](const std::string& s) { o += s + "\n"; };
  line("# postamt configuration. Every key is shown with its default; relative paths are relative to this");
  line("# file's directory. Check changes with `postamt check-config -c FILE`.");
  line("");
  line("[server]");
  line("# Where the databases and mail live (default: the directory of this file).");
  line("data_dir = \".\"");
  line("# This server's name: SMTP greeting, HELO name, certificate name (default: the system host name).");
  line("hostname = " + toml_string(hostname));
  line("# Unprivileged user to switch to after binding the ports when started as root (\"\" = do not switch).");
  line("user = " + toml_string(d.run_as_user));
  line("# Log verbosity: debug, info, warn or error.");
  line("log_level = " + toml_string(d.log_level));
  line("");
  line("[limits]");
  line("# Largest message accepted, in bytes or with a K/M/G suffix (binary multiples).");
  line("max_message_size = \"" + std::to_string(d.max_message_size >> 20) + "M\"");
  line("# Most simultaneous connections over all listeners.");
  line("max_connections = " + std::to_string(d.max_connections));
  line("# Most simultaneous connections from one client IP address.");
  line("max_connections_per_ip = " + std::to_string(d.max_connections_per_ip));
  line("# Seconds a connection may stay silent before it is closed (protocols may use less).");
  line("idle_timeout_seconds = " + std::to_string(d.idle_timeout_seconds));
  line("# Longest command or text line a client may send, in bytes (at least 1000).");
  line("max_line_length = " + std::to_string(d.max_line_length));
  line("");
  line("[tls]");
  line("# Oldest TLS version offered: \"1.2\" or \"1.3\".");
  line("min_version = " + toml_string(d.tls_min_version));
  line("# Default certificate chain (PEM); `postamt init` made one signed by a test CA in tls/ca.crt.");
  line("cert = \"tls/server.crt\"");
  line("# Private key of that certificate (PEM, readable only by postamt).");
  line("key = \"tls/server.key\"");
  line("");
  line("# More certificates, chosen by the name the client asks for (SNI); repeat the block per certificate:");
  line("# [[tls.sni]]");
  line("# names = [\"mail.example.org\", \"*.example.org\"]");
  line("# cert = \"tls/example.org.crt\"");
  line("# key = \"tls/example.org.key\"");
  line("");
  line("# Listening sockets. protocol: smtp, submission, lmtp, pop3, imap or managesieve;");
  line("# tls: \"none\", \"starttls\" (upgrade on the plain port) or \"implicit\" (TLS from the first byte).");
  for (const auto& dl : kDefaultListeners) {
    int port = dl.port + opts.port_offset;
    if (port < 1 || port > 65535) throw std::invalid_argument("port offset puts port " + std::to_string(port) + " out of range");
    std::string address = opts.address;
    if (std::string_view(dl.protocol) == "lmtp" && !is_loopback(address)) address = "127.0.0.1";
    line("");
    line("# " + std::string(dl.comment));
    line("[[listener]]");
    line("protocol = " + toml_string(dl.protocol));
    line("address = " + toml_string(address));
    line("port = " + std::to_string(port));
    line("tls = " + toml_string(to_string(dl.tls)));
  }
  line("");
  line("# LMTP on a unix-domain socket (instead of address/port; mode = the socket file's permissions):");
  line("# [[listener]]");
  line("# protocol = \"lmtp\"");
  line("# path = \"/run/postamt/lmtp.sock\"");
  line("# mode = \"0660\"");
  line("");
  line("[smtp]");
  line("# Client networks that may relay through the MX port without AUTH, e.g. [\"192.0.2.0/24\", \"2001:db8::/32\"].");
  line("# Empty: only users authenticated on submission may send mail to other domains.");
  line("relay_networks = []");
  line("# POP-before-SMTP: seconds an IP address may relay after a successful POP3 or IMAP login; 0 = off.");
  line("pop_before_smtp_seconds = " + std::to_string(d.pop_before_smtp_seconds));
  line("");
  line("[queue]");
  line("# Outbound mail (docs/queue.md). Wait after the first failed attempt, in seconds; doubled after each.");
  line("retry_initial_seconds = " + std::to_string(d.queue.retry_initial_seconds));
  line("# Longest wait between two attempts, in seconds.");
  line("retry_max_seconds = " + std::to_string(d.queue.retry_max_seconds));
  line("# After this many seconds in the queue a recipient still failing is bounced to the sender.");
  line("max_age_seconds = " + std::to_string(d.queue.max_age_seconds));
  line("# Delivery attempts at once in all.");
  line("workers = " + std::to_string(d.queue.workers));
  line("# Delivery attempts at once to one destination domain.");
  line("concurrency_per_destination = " + std::to_string(d.queue.concurrency_per_destination));
  line("# Port of remote MX hosts.");
  line("remote_port = " + std::to_string(d.queue.remote_port));
  line("# Send every message through this host (\"host\" or \"host:port\") instead of the MX hosts; \"\" = off.");
  line("smarthost = " + toml_string(d.queue.smarthost));
  line("# AUTH PLAIN user name for the smarthost (used only over TLS).");
  line("smarthost_user = " + toml_string(d.queue.smarthost_user));
  line("# Its password.");
  line("smarthost_password = " + toml_string(d.queue.smarthost_password));
  line("# DNS servers to ask, also for mail authentication (\"address\" or \"address:port\"); empty: /etc/resolv.conf.");
  line("resolvers = []");
  line("# Milliseconds per DNS try.");
  line("dns_timeout_ms = " + std::to_string(d.queue.dns_timeout_ms));
  line("# Seconds per SMTP read, write, connect or TLS handshake (RFC 5321 4.5.3.2).");
  line("smtp_timeout_seconds = " + std::to_string(d.queue.smtp_timeout_seconds));
  line("# TLS towards other servers: none, may (opportunistic STARTTLS), encrypt, verify (chain and name).");
  line("tls = " + toml_string(d.queue.tls));
  line("# Trusted CAs for \"verify\" (default: the system's):");
  line("# tls_ca_file = \"tls/peers-ca.crt\"");
  line("# Apply the MTA-STS policies (RFC 8461) destinations publish; false: never look them up.");
  line("# mta_sts = true");
  line("# Trusted CAs for the HTTPS policy hosts of MTA-STS (default: the system's):");
  line("# mta_sts_ca_file = \"tls/sts-ca.crt\"");
  line("# Per-domain TLS policy overriding `tls`:");
  line("# [queue.tls_policy]");
  line("# \"example.org\" = \"verify\"");
  line("");
  line("[mailauth]");
  line("# Check SPF, DKIM and DMARC of mail arriving on the MX port and add Authentication-Results (docs/mailauth.md).");
  line(std::string("inbound = ") + (d.mailauth.inbound ? "true" : "false"));
  line("# What a failing DMARC policy may do: \"reject\" (p=reject refused with 550, p=quarantine to junk_mailbox),");
  line("# \"quarantine-only\" (both to junk_mailbox) or \"none\" (only recorded in Authentication-Results).");
  line("dmarc_enforce = " + toml_string(d.mailauth.dmarc_enforce));
  line("# Mailbox for quarantined mail.");
  line("junk_mailbox = " + toml_string(d.mailauth.junk_mailbox));
  line("# DKIM-sign submitted mail of local domains with every key in DATA/dkim/<domain>/ (postamt dkim keygen).");
  line(std::string("dkim_sign = ") + (d.mailauth.dkim_sign ? "true" : "false"));
  line("");
  line("[managesieve]");
  line("# Sieve scripts one user may keep (ManageSieve answers NO (QUOTA/MAXSCRIPTS) beyond it).");
  line("max_scripts = " + std::to_string(d.managesieve.max_scripts));
  line("# Largest script, in bytes or with a K/M suffix; at most 1M (NO (QUOTA/MAXSIZE) beyond it).");
  line("max_script_size = \"" + std::to_string(d.managesieve.max_script_size >> 10) + "K\"");
  line("");
  line("[sieve]");
  line("# Spam scanner verdict for the Sieve spamtest/spamtestplus tests (RFC 5235; docs/sieve.md): the header");
  line("# field to read, \"Name\" (its whole value) or \"Name: regex\" (the regex's group 1); \"\" = not tested.");
  line("# E.g. \"X-Spam-Score\", \"X-Spam-Status: score=(-?[0-9.]+)\" or \"X-Spam-Level\" with type strlen.");
  line("spamtest_header = " + toml_string(d.sieve.spamtest.header));
  line("# What the value is: \"score\" (a number), \"strlen\" (its length, e.g. \"*****\") or \"text\" (see spamtest_text).");
  line("spamtest_type = " + toml_string(d.sieve.spamtest.type));
  line("# The score (or length) that means certainly spam; values are scaled to 1..10 and 0..100 percent.");
  line("spamtest_max = " + std::to_string(static_cast<int>(d.sieve.spamtest.max)) + ".0");
  line("# Take the maximum from the message instead, same syntax as spamtest_header (\"\" = use spamtest_max).");
  line("spamtest_max_header = " + toml_string(d.sieve.spamtest.max_header));
  line("# Type text: the verdict texts and their values 0..10, e.g. { \"No\" = 1, \"Yes\" = 10 }.");
  line("spamtest_text = {}");
  line("# The same for the virus scanner and the virustest test (values 1..5: 1 clean, 5 infected).");
  line("virustest_header = " + toml_string(d.sieve.virustest.header));
  line("# \"score\", \"strlen\" or \"text\".");
  line("virustest_type = " + toml_string(d.sieve.virustest.type));
  line("# The score (or length) that means certainly infected.");
  line("virustest_max = " + std::to_string(static_cast<int>(d.sieve.virustest.max)) + ".0");
  line("# The maximum from the message instead (\"\" = use virustest_max).");
  line("virustest_max_header = " + toml_string(d.sieve.virustest.max_header));
  line("# Type text: verdicts and values 0..5, e.g. { \"clean\" = 1, \"infected\" = 5 }.");
  line("virustest_text = {}");
  line("");
  line("[delivery]");
  line("# Mailbox that mail goes to when no filter files it elsewhere.");
  line("default_mailbox = " + toml_string(d.default_mailbox));
  line("# user+tag@domain is delivered to user@domain (into folder tag when anyone holds the p right on it);");
  line("# \"\" turns this off.");
  line("recipient_delimiter = " + toml_string(std::string(1, d.recipient_delimiter)));
  line("");
  line("[quota]");
  line("# Default limits of every user (postamt quota set overrides them per user); 0 = no limit.");
  line("# Octets of mail a user may keep (\"500M\", \"2G\").");
  line("storage = 0");
  line("# Messages a user may keep.");
  line("messages = 0");
  line("# Put one warning message into the user's INBOX when usage reaches this percentage of a limit (0 = never).");
  line("warning_percent = " + std::to_string(d.quota.warning_percent));
  line("# Reply to mail that does not fit: \"temporary\" (452 4.2.2, the sender retries) or \"permanent\" (552 5.2.2).");
  line(std::string("over_quota_reply = ") + (d.quota.permanent ? "\"permanent\"" : "\"temporary\""));
  line("");
  line("[admin]");
  line("# Users who may administer every account through IMAP (mailboxes, quotas, ACLs).");
  line("users = []");
  line("# How to reach the administrator, a URI such as \"mailto:postmaster@example.org\" or \"tel:+1-555-0100\";");
  line("# IMAP clients read it as the METADATA server entry /shared/admin (\"\" = none).");
  line("contact = " + toml_string(d.admin_contact));
  return o;
}

}  // namespace postamt::config
