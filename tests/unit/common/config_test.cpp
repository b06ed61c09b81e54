// Tests for postamt.toml loading: defaults, round-trip of the default file, and file:line errors.
#include "common/config.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace postamt::config {
namespace {
namespace stdfs = std::filesystem;

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = stdfs::temp_directory_path() /
           ("postamt-config-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    stdfs::remove_all(dir_);
    stdfs::create_directories(dir_ / "tls");
    write("tls/server.crt", "-----BEGIN CERTIFICATE-----\n");
    write("tls/server.key", "-----BEGIN PRIVATE KEY-----\n");
  }
  void TearDown() override { stdfs::remove_all(dir_); }

  stdfs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }

  // Loads `text` and returns the error, failing the test when it loads fine.
  Error error_of(const std::string& text) {
    auto path = write("t.toml", text);
    try {
      load(path);
    } catch (const Error& e) {
      return e;
    }
    ADD_FAILURE() << "expected an error for:\n" << text;
    return Error("", 0, "");
  }

  stdfs::path dir_;
};

TEST_F(ConfigTest, EmptyFileGivesDefaults) {
  auto c = load(write("empty.toml", ""));
  EXPECT_EQ(c.file, dir_ / "empty.toml");
  EXPECT_EQ(c.data_dir, dir_);
  EXPECT_FALSE(c.hostname.empty());  // system host name
  EXPECT_EQ(c.log_level, "info");
  EXPECT_EQ(c.max_message_size, 50ull << 20);
  EXPECT_EQ(c.max_line_length, 65536u);
  EXPECT_EQ(c.tls_min_version, "1.2");
  EXPECT_TRUE(c.certificates.empty());
  EXPECT_TRUE(c.listeners.empty());
  EXPECT_EQ(c.default_mailbox, "INBOX");
  EXPECT_EQ(c.recipient_delimiter, '+');
}

TEST_F(ConfigTest, DefaultFileRoundTripsWithOffset) {
  InitOptions opts;
  opts.hostname = "mail.example.test";
  opts.port_offset = 10000;
  opts.address = "127.0.0.2";
  std::string text = default_file(opts);
  auto c = load(write("postamt.toml", text));
  EXPECT_EQ(c.hostname, "mail.example.test");
  EXPECT_EQ(c.data_dir, dir_);
  ASSERT_EQ(c.certificates.size(), 1u);
  EXPECT_EQ(c.certificates[0].cert, dir_ / "tls/server.crt");
  EXPECT_EQ(c.certificates[0].key, dir_ / "tls/server.key");
  EXPECT_TRUE(c.certificates[0].names.empty());

  struct Want { const char* protocol; int port; TlsMode tls; };
  const Want want[] = {{"smtp", 10025, TlsMode::StartTls},   {"submission", 10587, TlsMode::StartTls},
                       {"submission", 10465, TlsMode::Implicit}, {"lmtp", 10024, TlsMode::None},
                       {"pop3", 10110, TlsMode::StartTls},   {"pop3", 10995, TlsMode::Implicit},
                       {"imap", 10143, TlsMode::StartTls},   {"imap", 10993, TlsMode::Implicit},
                       {"managesieve", 14190, TlsMode::StartTls}};
  ASSERT_EQ(c.listeners.size(), std::size(want));
  for (std::size_t i = 0; i < std::size(want); ++i) {
    EXPECT_EQ(c.listeners[i].protocol, want[i].protocol) << i;
    EXPECT_EQ(c.listeners[i].port, want[i].port) << i;
    EXPECT_EQ(c.listeners[i].tls, want[i].tls) << i;
    EXPECT_EQ(c.listeners[i].address, "127.0.0.2") << i;
  }
  // Every value equals the compiled-in default.
  const Config d;
  EXPECT_EQ(c.max_message_size, d.max_message_size);
  EXPECT_EQ(c.max_connections, d.max_connections);
  EXPECT_EQ(c.max_connections_per_ip, d.max_connections_per_ip);
  EXPECT_EQ(c.idle_timeout_seconds, d.idle_timeout_seconds);
  EXPECT_EQ(c.max_line_length, d.max_line_length);
  EXPECT_EQ(c.log_level, d.log_level);
  EXPECT_EQ(c.run_as_user, d.run_as_user);
  EXPECT_EQ(c.tls_min_version, d.tls_min_version);
  EXPECT_EQ(c.default_mailbox, d.default_mailbox);
  EXPECT_EQ(c.recipient_delimiter, d.recipient_delimiter);
}

TEST_F(ConfigTest, DefaultFileCommentsEveryKey) {
  std::string text = default_file({.hostname = "h.test"});
  std::istringstream in(text);
  std::string prev, line;
  int keys = 0;
  while (std::getline(in, line)) {
    bool is_key = !line.empty() && line[0] != '#' && line[0] != '[' && line.find(" = ") != std::string::npos;
    bool in_listener = line.starts_with("protocol") || line.starts_with("address") || line.starts_with("port =") ||
                       line.starts_with("tls =");
    if (is_key && !in_listener) {
      ++keys;
      EXPECT_TRUE(prev.starts_with("# ")) << "no comment above: " << line;
    }
    prev = line;
  }
  EXPECT_EQ(keys, 50);  // [queue] tls is counted with the listeners' keys
}

TEST_F(ConfigTest, LmtpStaysOnLoopbackWhenListeningPublicly) {
  auto c = load(write("p.toml", default_file({.hostname = "h.test", .address = "0.0.0.0"})));
  for (const auto& l : c.listeners) EXPECT_EQ(l.address, l.protocol == "lmtp" ? "127.0.0.1" : "0.0.0.0");
}

TEST_F(ConfigTest, ReadsEveryKey) {
  stdfs::create_directories(dir_ / "data");
  write("tls/other.crt", "x");
  write("tls/other.key", "x");
  auto c = load(write("full.toml", R"(
[server]
data_dir = "data"
hostname = "mx.example.org"
user = "postamt"
log_level = "debug"
[limits]
max_message_size = "1G"
max_connections = 7
max_connections_per_ip = 3
idle_timeout_seconds = 60
max_line_length = 2000
[tls]
min_version = "1.3"
cert = "tls/server.crt"
key = "tls/server.key"
[[tls.sni]]
names = ["other.example", "*.other.example"]
cert = "tls/other.crt"
key = "tls/other.key"
[[listener]]
protocol = "imap"
address = "0:0::1"
port = 993
tls = "implicit"
[[listener]]
protocol = "lmtp"
port = 24
[delivery]
default_mailbox = "Inbox"
recipient_delimiter = "-"
[admin]
users = ["admin@example.org"]
contact = "mailto:postmaster@example.org"
)"));
  EXPECT_EQ(c.data_dir, dir_ / "data");
  EXPECT_EQ(c.hostname, "mx.example.org");
  EXPECT_EQ(c.run_as_user, "postamt");
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.max_message_size, 1ull << 30);
  EXPECT_EQ(c.max_connections, 7u);
  EXPECT_EQ(c.max_connections_per_ip, 3u);
  EXPECT_EQ(c.idle_timeout_seconds, 60u);
  EXPECT_EQ(c.max_line_length, 2000u);
  EXPECT_EQ(c.tls_min_version, "1.3");
  ASSERT_EQ(c.certificates.size(), 2u);
  EXPECT_EQ(c.certificates[1].names, (std::vector<std::string>{"other.example", "*.other.example"}));
  EXPECT_EQ(c.certificates[1].cert, dir_ / "tls/other.crt");
  ASSERT_EQ(c.listeners.size(), 2u);
  EXPECT_EQ(c.listeners[0].address, "::1");
  EXPECT_EQ(c.listeners[0].tls, TlsMode::Implicit);
  EXPECT_EQ(c.listeners[1].address, "127.0.0.1");
  EXPECT_EQ(c.listeners[1].tls, TlsMode::None);
  EXPECT_EQ(c.default_mailbox, "Inbox");
  EXPECT_EQ(c.recipient_delimiter, '-');
  EXPECT_EQ(c.admins, (std::vector<std::string>{"admin@example.org"}));
  EXPECT_EQ(c.admin_contact, "mailto:postmaster@example.org");
}

TEST_F(ConfigTest, RelayNetworks) {
  EXPECT_TRUE(load(write("n0.toml", "")).relay_networks.empty());
  auto c = load(write("n.toml", "[smtp]\nrelay_networks = [\"192.0.2.0/24\", \"2001:db8::/32\", \"10.1.2.3\"]\n"));
  EXPECT_EQ(c.relay_networks, (std::vector<std::string>{"192.0.2.0/24", "2001:db8::/32", "10.1.2.3"}));
  auto n = parse_network("192.0.2.0/24");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->family, AF_INET);
  EXPECT_EQ(n->prefix, 24);
  EXPECT_EQ(n->bytes[0], 192);
  EXPECT_EQ(parse_network("::1")->prefix, 128);
  EXPECT_FALSE(parse_network("192.0.2.0/33"));
  EXPECT_FALSE(parse_network("192.0.2.0/"));
  EXPECT_FALSE(parse_network("192.0.2/24"));
  EXPECT_FALSE(parse_network("example.org"));
  EXPECT_FALSE(parse_network("::1/129"));
  EXPECT_FALSE(parse_network("10.0.0.0/-1"));
}

TEST_F(ConfigTest, QueueSection) {
  auto d = load(write("q0.toml", ""));
  EXPECT_EQ(d.queue.max_age_seconds, 5u * 86400);
  EXPECT_EQ(d.queue.tls, "may");
  EXPECT_TRUE(d.queue.resolvers.empty());
  EXPECT_TRUE(d.queue.mta_sts);
  EXPECT_TRUE(d.queue.mta_sts_ca_file.empty());
  auto c = load(write("q.toml",
                      "[queue]\nretry_initial_seconds = 2\nretry_max_seconds = 10\nmax_age_seconds = 60\n"
                      "workers = 3\nconcurrency_per_destination = 1\nremote_port = 10025\n"
                      "resolvers = [\"127.0.0.1:5353\"]\ndns_timeout_ms = 500\ntls = \"encrypt\"\n"
                      "smarthost = \"relay.test:587\"\nmta_sts = false\nmta_sts_ca_file = \"sts.pem\"\n"
                      "[queue.tls_policy]\n\"Bank.TEST\" = \"verify\"\n"));
  EXPECT_EQ(c.queue.retry_initial_seconds, 2u);
  EXPECT_EQ(c.queue.retry_max_seconds, 10u);
  EXPECT_EQ(c.queue.max_age_seconds, 60u);
  EXPECT_EQ(c.queue.workers, 3u);
  EXPECT_EQ(c.queue.concurrency_per_destination, 1u);
  EXPECT_EQ(c.queue.remote_port, 10025);
  EXPECT_EQ(c.queue.resolvers, (std::vector<std::string>{"127.0.0.1:5353"}));
  EXPECT_EQ(c.queue.dns_timeout_ms, 500u);
  EXPECT_EQ(c.queue.tls, "encrypt");
  EXPECT_EQ(c.queue.smarthost, "relay.test:587");
  EXPECT_FALSE(c.queue.mta_sts);
  EXPECT_EQ(c.queue.mta_sts_ca_file.filename(), "sts.pem");
  EXPECT_TRUE(c.queue.mta_sts_ca_file.is_absolute());
  ASSERT_EQ(c.queue.tls_policy.size(), 1u);
  EXPECT_EQ(c.queue.tls_policy[0].first, "bank.test");
  EXPECT_EQ(c.queue.tls_policy[0].second, "verify");
  EXPECT_NE(error_of("[queue]\ntls = \"maybe\"\n").message().find("tls in [queue]"), std::string::npos);
  EXPECT_NE(error_of("[queue]\nresolvers = [\"dns.example\"]\n").message().find("resolvers entries"),
            std::string::npos);
  EXPECT_NE(error_of("[queue.tls_policy]\n\"a.test\" = \"strict\"\n").message().find("tls_policy"),
            std::string::npos);
  EXPECT_EQ(error_of("[queue]\nretry_initial_seconds = 0\n").line(), 2);
}

TEST_F(ConfigTest, SieveScannerHeaders) {
  auto d = load(write("s0.toml", ""));
  EXPECT_EQ(d.sieve.spamtest.header, "");
  EXPECT_EQ(d.sieve.virustest.header, "");
  auto c = load(write("s.toml", R"x([sieve]
spamtest_header = "X-Spam-Status: score=(-?[0-9.]+)"
spamtest_max = 5
virustest_header = "X-Virus-Scan"
virustest_type = "text"
virustest_text = { "clean" = 1, "infected" = 5 }
)x"));
  EXPECT_EQ(c.sieve.spamtest.header, "X-Spam-Status: score=(-?[0-9.]+)");
  EXPECT_EQ(c.sieve.spamtest.type, "score");
  EXPECT_EQ(c.sieve.spamtest.max, 5.0);
  EXPECT_EQ(c.sieve.virustest.type, "text");
  ASSERT_EQ(c.sieve.virustest.text.size(), 2u);
  auto split = split_header_setting(c.sieve.spamtest.header);
  ASSERT_TRUE(split);
  EXPECT_EQ(split->first, "X-Spam-Status");
  EXPECT_EQ(split->second, "score=(-?[0-9.]+)");
  EXPECT_EQ(split_header_setting(" X-Spam-Level ")->second, "");
  EXPECT_FALSE(split_header_setting(": x"));
  EXPECT_NE(error_of("[sieve]\nspamtest_header = \"X-S: score=([\"\n").message().find("not valid"), std::string::npos);
  EXPECT_NE(error_of("[sieve]\nspamtest_header = \"X-S: score=.*\"\n").message().find("group"), std::string::npos);
  EXPECT_NE(error_of("[sieve]\nspamtest_type = \"level\"\n").message().find("spamtest_type"), std::string::npos);
  EXPECT_NE(error_of("[sieve]\nvirustest_max = 0\n").message().find("virustest_max"), std::string::npos);
  EXPECT_NE(error_of("[sieve]\nvirustest_text = { \"bad\" = 6 }\n").message().find("0..5"), std::string::npos);
  EXPECT_NE(error_of("[sieve]\nspamtest_header = \"X-S\"\nspamtest_type = \"text\"\n").message().find("spamtest_text"),
            std::string::npos);
  EXPECT_NE(error_of("[sieve]\nspam_header = \"X\"\n").message().find("unknown key"), std::string::npos);
}

TEST_F(ConfigTest, EmptyDelimiterDisablesSubaddressing) {
  auto c = load(write("d.toml", "[delivery]\nrecipient_delimiter = \"\"\n"));
  EXPECT_EQ(c.recipient_delimiter, '\0');
}

TEST_F(ConfigTest, ParseSize) {
  EXPECT_EQ(parse_size("0"), 0u);
  EXPECT_EQ(parse_size("1234"), 1234u);
  EXPECT_EQ(parse_size("50M"), 50ull << 20);
  EXPECT_EQ(parse_size("2k"), 2048u);
  EXPECT_EQ(parse_size("1G"), 1ull << 30);
  EXPECT_FALSE(parse_size(""));
  EXPECT_FALSE(parse_size("M"));
  EXPECT_FALSE(parse_size("-1"));
  EXPECT_FALSE(parse_size("5 M"));
  EXPECT_FALSE(parse_size("5T"));
  EXPECT_FALSE(parse_size("99999999999999999999"));
  EXPECT_FALSE(parse_size("17179869184G"));  // 2^34 GiB overflows 64 bits
}

TEST_F(ConfigTest, ErrorsCarryFileAndLine) {
  struct Case { const char* text; int line; const char* needle; };
  const Case cases[] = {
      {"[limits]\nmax_mesage_size = 10\n", 2, "unknown key 'max_mesage_size' in [limits]"},
      {"[server]\n\n[bogus]\nx = 1\n", 3, "unknown section 'bogus'"},
      {"[server\n", 1, "syntax error"},
      {"[limits]\nmax_connections = \"many\"\n", 2, "must be an integer, not string"},
      {"[limits]\nmax_message_size = \"5X\"\n", 2, "not a size"},
      {"[limits]\nmax_line_length = 10\n", 2, "must be 1000.."},
      {"[server]\nlog_level = \"loud\"\n", 2, "log_level 'loud'"},
      {"[server]\nhostname = \"bad host\"\n", 2, "not a valid host name"},
      {"[server]\ndata_dir = \"nowhere\"\n", 2, "is not a directory"},
      {"[tls]\nmin_version = \"1.1\"\n", 2, "min_version '1.1'"},
      {"[tls]\ncert = \"tls/server.crt\"\n", 2, "has 'cert' but no 'key'"},
      {"[tls]\ncert = \"tls/missing.crt\"\nkey = \"tls/server.key\"\n", 2, "tls/missing.crt: No such file"},
      {"[tls]\ncert = \"tls/server.crt\"\nkey = \"nokey.pem\"\n", 3, "nokey.pem"},
      {"[tls]\ncert = \"tls/server.crt\"\nkey = \"tls\"\n", 3, "is not a regular file"},
      {"[[listener]]\nprotocol = \"smtp\"\nport = 70000\n", 3, "'port' in [[listener]] is 70000, must be 1..65535"},
      {"[[listener]]\nprotocol = \"smtp\"\nport = 0\n", 3, "must be 1..65535"},
      {"[[listener]]\nprotocol = \"gopher\"\nport = 70\n", 2, "unknown protocol 'gopher'"},
      {"[[listener]]\nport = 70\n", 1, "needs protocol"},
      {"[[listener]]\nprotocol = \"imap\"\n", 1, "needs port"},
      {"[[listener]]\nprotocol = \"imap\"\nport = 143\nsecure = true\n", 4, "unknown key 'secure' in [[listener]]"},
      {"[[listener]]\nprotocol = \"imap\"\nport = 143\naddress = \"localhost\"\n", 4, "IPv4 or IPv6"},
      {"[[listener]]\nprotocol = \"imap\"\nport = 143\ntls = \"yes\"\n", 4, "tls 'yes'"},
      {"[[listener]]\nprotocol = \"lmtp\"\nport = 24\ntls = \"implicit\"\n", 4, "not possible for lmtp"},
      {"[[listener]]\nprotocol = \"smtp\"\nport = 25\ntls = \"implicit\"\n", 4, "not possible for smtp"},
      {"[[listener]]\nprotocol = \"imap\"\nport = 143\ntls = \"starttls\"\n", 1, "no cert and key"},
      {"[[listener]]\nprotocol = \"imap\"\nport = 143\n[[listener]]\nprotocol = \"pop3\"\nport = 143\n", 4,
       "clashes with the listener on line 1"},
      {"[[listener]]\nprotocol = \"imap\"\naddress = \"0.0.0.0\"\nport = 143\n\n[[listener]]\nprotocol = \"pop3\"\n"
       "address = \"10.0.0.1\"\nport = 143\n",
       6, "clashes"},
      {"[listener]\nprotocol = \"imap\"\n", 1, "[[listener]]"},
      {"server = 5\n", 1, "must be a table"},
      {"[smtp]\nrelay_networks = [\"10.0.0.0/8\", \"nonsense\"]\n", 2, "relay_networks entries"},
      {"[smtp]\nrelay_networks = \"10.0.0.0/8\"\n", 2, "must be an array"},
      {"[smtp]\nrelay = []\n", 2, "unknown key 'relay' in [smtp]"},
      {"[delivery]\nrecipient_delimiter = \"ab\"\n", 2, "recipient_delimiter"},
      {"[delivery]\ndefault_mailbox = \"\"\n", 2, "default_mailbox"},
      {"[admin]\ncontact = \"postmaster@example.org\"\n", 2, "[admin] contact must be a URI"},
      {"[admin]\ncontact = \"mailto:a b@example.org\"\n", 2, "[admin] contact must be a URI"},
      {"[tls]\n[[tls.sni]]\nnames = [\"a.test\"]\ncert = \"tls/server.crt\"\nkey = \"tls/server.key\"\n", 2,
       "needs a default certificate"},
  };
  for (const auto& c : cases) {
    Error e = error_of(c.text);
    EXPECT_EQ(e.line(), c.line) << c.text << "\n-> " << e.what();
    EXPECT_NE(e.message().find(c.needle), std::string::npos) << c.text << "\n-> " << e.what();
    EXPECT_EQ(std::string(e.what()).rfind((dir_ / "t.toml").string() + ":" + std::to_string(c.line) + ": ", 0), 0u)
        << e.what();
  }
}

TEST_F(ConfigTest, DifferentAddressesMayShareAPort) {
  auto c = load(write("ok.toml",
                      "[[listener]]\nprotocol = \"imap\"\naddress = \"127.0.0.1\"\nport = 143\n"
                      "[[listener]]\nprotocol = \"imap\"\naddress = \"::\"\nport = 143\n"
                      "[[listener]]\nprotocol = \"imap\"\naddress = \"127.0.0.2\"\nport = 143\n"));
  EXPECT_EQ(c.listeners.size(), 3u);
}

TEST_F(ConfigTest, MissingFileNamesIt) {
  try {
    load(dir_ / "nope.toml");
    FAIL() << "loaded a missing file";
  } catch (const Error& e) {
    EXPECT_EQ(e.line(), 0);
    EXPECT_EQ(std::string(e.what()), (dir_ / "nope.toml").string() + ": cannot read config file: No such file or directory");
  }
}

TEST_F(ConfigTest, UnreadableCertificateIsAnError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every file";
  ::chmod((dir_ / "tls/server.key").c_str(), 0);
  Error e = error_of("[tls]\ncert = \"tls/server.crt\"\nkey = \"tls/server.key\"\n");
  EXPECT_EQ(e.line(), 3);
  EXPECT_NE(e.message().find("Permission denied"), std::string::npos) << e.what();
}

}  // namespace
}  // namespace postamt::config
