// postamt.toml: the configuration model, loading with file:line errors (unknown keys are errors),
// and the commented default file that `postamt init` writes. docs/configuration.md documents every key.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace postamt::config {

// A config problem, formatted `file:line: message` (line 0 when the problem has no position).
class Error : public std::runtime_error {
 public:
  Error(std::string file, int line, std::string message);
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  int line_;
  std::string message_;
};

enum class TlsMode { None, StartTls, Implicit };

// One listening socket. protocol: smtp | submission | lmtp | pop3 | imap | managesieve | web
struct Listener {
  std::string protocol;
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;
  TlsMode tls = TlsMode::None;
  std::filesystem::path path;  // lmtp only: listen on this unix-domain socket instead of address/port
  std::uint32_t mode = 0660;   // permissions of that socket file
};

struct TlsCertificate {
  std::vector<std::string> names;  // SNI names this certificate serves (empty: the default)
  std::filesystem::path cert;      // PEM chain, absolute after load
  std::filesystem::path key;       // PEM private key, absolute after load
};

// [quota]: default per-user quota (RFC 9208; docs/acl-quota.md). 0 = no limit.
struct QuotaConfig {
  std::uint64_t storage = 0;          // octets ("1G"); reported in units of 1024 octets
  std::uint64_t messages = 0;         // number of messages
  std::uint32_t warning_percent = 0;  // deliver one warning into INBOX at this share of a limit (0 = off)
  bool permanent = false;             // over_quota_reply = "permanent" (552 5.2.2) | "temporary" (452 4.2.2)
};

// [queue]: the outbound queue (docs/queue.md).
struct QueueConfig {
  std::uint32_t retry_initial_seconds = 300;     // first retry after 5 minutes, doubling each time
  std::uint32_t retry_max_seconds = 4 * 3600;    // ... up to 4 hours between attempts
  std::uint32_t max_age_seconds = 5 * 86400;     // then a bounce (RFC 3464 DSN) after 5 days
  std::uint32_t workers = 8;                     // deliveries at once in all
  std::uint32_t concurrency_per_destination = 2; // connections at once to one domain
  std::uint16_t remote_port = 25;                // the port of remote MX hosts (tests use others)
  std::string smarthost;                         // "host" or "host:port": every message goes there
  std::string smarthost_user, smarthost_password;  // AUTH PLAIN for the smarthost (needs TLS)
  std::vector<std::string> resolvers;            // DNS servers "192.0.2.53" / "127.0.0.1:5353"; empty: resolv.conf
  std::uint32_t dns_timeout_ms = 5000;
  std::uint32_t smtp_timeout_seconds = 300;      // per SMTP read/write (RFC 5321 §4.5.3.2)
  std::string tls = "may";                       // none | may | encrypt | verify (the default policy)
  std::vector<std::pair<std::string, std::string>> tls_policy;  // [queue.tls_policy] domain = policy
  std::filesystem::path tls_ca_file;             // trust store for "verify" ("" = the system's)
  bool mta_sts = true;                           // apply MTA-STS policies (RFC 8461) of destinations
  std::filesystem::path mta_sts_ca_file;         // trust store for MTA-STS policy hosts ("" = the system's)
};

// [mailauth]: inbound SPF/DKIM/DMARC on the MX port and DKIM signing of outbound mail (docs/mailauth.md).
struct MailauthConfig {
  bool inbound = true;                  // check mail arriving on the MX port, add Authentication-Results
  std::string dmarc_enforce = "reject"; // reject | quarantine-only | none: what a failing DMARC p= may do
  std::string junk_mailbox = "Junk";    // where p=quarantine files the message
  bool dkim_sign = true;                // sign submitted mail of local domains with DATA/dkim/<domain>/*.key
};

// [managesieve]: per-user Sieve script limits enforced by ManageSieve (docs/managesieve.md).
struct ManageSieveConfig {
  std::uint32_t max_scripts = 32;            // scripts one user may store (RFC 5804 QUOTA/MAXSCRIPTS)
  std::uint32_t max_script_size = 64 * 1024; // octets of one script (QUOTA/MAXSIZE)
};

// [sieve]: where delivery reads the spam and virus scanners' verdicts for the RFC 5235 spamtest,
// spamtestplus and virustest tests (docs/sieve.md). header "" = not tested (the tests see "0").
struct ScannerTestConfig {
  std::string header;      // "X-Spam-Score" (the whole value) or "X-Spam-Status: score=([-0-9.]+)" (group 1)
  std::string type = "score";  // score | strlen (e.g. "*****") | text (looked up in `text`)
  double max = 10.0;       // the score (or length) meaning "certainly spam/virus"
  std::string max_header;  // the maximum taken from the message instead (same syntax as header)
  std::vector<std::pair<std::string, int>> text;  // type text: verdict text -> value (0..10 / 0..5)
};
struct SieveConfig {
  ScannerTestConfig spamtest;
  ScannerTestConfig virustest;
};

struct Config {
  std::filesystem::path file;      // the config file itself (absolute)
  std::filesystem::path data_dir;  // [server] data_dir, absolute (relative paths are to the config file)
  std::string hostname;            // [server] hostname: greeting name and certificate name
  std::string run_as_user;         // [server] user: drop root to this user after binding ("" = stay)
  std::string log_level = "info";  // [server] log_level

  // [limits]
  std::uint64_t max_message_size = 50ull * 1024 * 1024;
  std::uint32_t max_connections = 10000;
  std::uint32_t max_connections_per_ip = 50;
  std::uint32_t idle_timeout_seconds = 1800;  // per protocol defaults may be shorter
  std::uint32_t max_line_length = 65536;

  QuotaConfig quota;                            // [quota]
  // [admin] users: addresses that may administer every account through IMAP (docs/acl-quota.md)
  std::vector<std::string> admins;
  // [admin] contact: a URI (mailto:, tel:, ...) for reaching the administrator, the read-only IMAP
  // METADATA server entry /shared/admin (RFC 5464 §3.2.1.1); "" = no such entry.
  std::string admin_contact;

  // [tls]
  std::string tls_min_version = "1.2";           // "1.2" | "1.3"
  std::vector<TlsCertificate> certificates;      // [tls] cert/key, plus [[tls.sni]] entries

  std::vector<Listener> listeners;               // [[listener]]

  // [smtp]
  // Client networks allowed to relay without AUTH, as CIDR ("192.0.2.0/24", "2001:db8::/32", or a single
  // address). Empty by default: only authenticated submission relays.
  std::vector<std::string> relay_networks;
  // POP-before-SMTP: seconds a client IP may relay after a successful POP3/IMAP login (0 = off).
  std::uint32_t pop_before_smtp_seconds = 0;

  // [delivery]
  std::string default_mailbox = "INBOX";
  char recipient_delimiter = '+';               // user+tag@domain delivers to user

  QueueConfig queue;                            // [queue]
  ManageSieveConfig managesieve;                // [managesieve]
  MailauthConfig mailauth;                      // [mailauth]
  SieveConfig sieve;                            // [sieve]
};

// A [sieve] *_header setting "Name" or "Name: regex" split into the field name and the regex ("" =
// the whole value); whitespace after the colon is not part of the regex. nullopt: no valid field name.
std::optional<std::pair<std::string, std::string>> split_header_setting(std::string_view setting);

// Loads and validates; throws config::Error.
Config load(const std::filesystem::path& file);

// The default, fully commented postamt.toml for `postamt init` (every key with its default).
struct InitOptions {
  std::string hostname;
  int port_offset = 0;       // 10000 gives the development ports 10025, 10143, ...
  std::string address = "127.0.0.1";
};
std::string default_file(const InitOptions& opts);

const char* to_string(TlsMode mode);

// A CIDR network "address/prefix" (or a single address) as used by relay_networks: family (AF_INET or
// AF_INET6), 16 address bytes (IPv4 in the first 4) and the prefix length. nullopt when malformed.
struct Network {
  int family = 0;
  unsigned char bytes[16] = {};
  int prefix = 0;
};
std::optional<Network> parse_network(std::string_view text);

// A byte size as written in the config: a non-negative integer, or a string "<n>[K|M|G]" (binary
// multiples: "50M" = 50 * 1024 * 1024). nullopt when malformed or out of range.
std::optional<std::uint64_t> parse_size(std::string_view text);

}  // namespace postamt::config
