// postamt probe HOST: what `openssl s_client -connect HOST:PORT [-starttls smtp|pop3|imap|sieve]`
// teaches, for every mail port at once: which ports answer, TLS mode (implicit, RFC 8314 §3.3, or
// STARTTLS: RFC 3207, RFC 2595 §4 STLS, RFC 3501 §6.2.1, RFC 5804 §2.2), version, cipher, the
// certificate (subject, SANs, issuer, expiry, chain, hostname, RFC 6125) and whether a password could
// be sent before TLS. A table, then the problems in plain words. Exit 0 no problems, 1 problems.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <sysexits.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <iterator>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "common/strings.hpp"

namespace postamt::cli {
namespace {

using Clock = std::chrono::steady_clock;

enum class Proto { Smtp, Pop3, Imap, Sieve };
enum class Mode { Implicit, StartTls };

struct Service {
  const char* name;
  int port;
  Proto proto;
  Mode mode;
};

const Service kServices[] = {
    {"smtp", 25, Proto::Smtp, Mode::StartTls},       {"submissions", 465, Proto::Smtp, Mode::Implicit},
    {"submission", 587, Proto::Smtp, Mode::StartTls}, {"pop3", 110, Proto::Pop3, Mode::StartTls},
    {"pop3s", 995, Proto::Pop3, Mode::Implicit},       {"imap", 143, Proto::Imap, Mode::StartTls},
    {"imaps", 993, Proto::Imap, Mode::Implicit},       {"sieve", 4190, Proto::Sieve, Mode::StartTls},
};

const char* starttls_word(Proto p) {
  switch (p) {
    case Proto::Smtp: return "STARTTLS";
    case Proto::Pop3: return "STLS";
    case Proto::Imap: return "STARTTLS";
    case Proto::Sieve: return "STARTTLS";
  }
  return "STARTTLS";
}

struct CertReport {
  std::string subject, issuer, fingerprint;
  std::vector<std::string> sans;
  std::string not_after;
  long days_left = 0;
  bool chain_ok = false;
  std::string chain_error;
  bool name_ok = false;
};

struct PortReport {
  Service svc{};
  bool answered = false;
  std::string connect_error;
  std::string tls_mode = "-";  // "implicit", "STARTTLS", "none", "-"
  std::string version, cipher;
  std::optional<CertReport> cert;
  std::vector<std::string> plaintext_auth;  // what a client could send a password with before TLS
  std::vector<std::string> problems;
  std::string greeting;
};

// ---- one connection: a non-blocking socket, optionally wrapped in TLS, with a deadline ----

struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};

class Conn {
 public:
  Conn(const sockaddr_storage& addr, socklen_t len, Clock::time_point deadline) : deadline_(deadline) {
    fd_ = ::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), len) != 0 && errno != EINPROGRESS) fail_errno();
    if (!wait(POLLOUT)) throw std::runtime_error("connection timed out");
    int err = 0;
    socklen_t l = sizeof err;
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &l);
    if (err) {
      errno = err;
      fail_errno();
    }
  }
  ~Conn() {
    ssl_.reset();
    if (fd_ >= 0) ::close(fd_);
  }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  void set_deadline(Clock::time_point d) { deadline_ = d; }

  // Reads one line (without CRLF); nullopt on timeout or close. Lines are bounded to 8 KiB.
  std::optional<std::string> read_line() {
    for (;;) {
      auto nl = buf_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
      }
      if (buf_.size() > 8192) return std::nullopt;
      char tmp[4096];
      long n = ssl_ ? ssl_read(tmp, sizeof tmp) : plain_read(tmp, sizeof tmp);
      if (n <= 0) return std::nullopt;
      buf_.append(tmp, static_cast<std::size_t>(n));
    }
  }

  bool write(const std::string& data) {
    std::size_t off = 0;
    while (off < data.size()) {
      if (ssl_) {
        int n = SSL_write(ssl_.get(), data.data() + off, static_cast<int>(data.size() - off));
        if (n > 0) {
          off += static_cast<std::size_t>(n);
          continue;
        }
        if (!wait_ssl(n)) return false;
      } else {
        long n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
        if (n > 0) {
          off += static_cast<std::size_t>(n);
          continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait(POLLOUT)) continue;
        return false;
      }
    }
    return true;
  }

  // TLS handshake; an error message or "" on success. Bytes buffered before are discarded (they came
  // before TLS: trusting them is the STARTTLS injection bug, CVE-2011-0411).
  std::string start_tls(SSL_CTX* ctx, const std::string& sni) {
    buf_.clear();
    ssl_.reset(SSL_new(ctx));
    SSL_set_fd(ssl_.get(), fd_);
    if (!sni.empty() && !IpLiteral(sni)) SSL_set_tlsext_host_name(ssl_.get(), sni.c_str());
    for (;;) {
      int r = SSL_connect(ssl_.get());
      if (r == 1) return "";
      int e = SSL_get_error(ssl_.get(), r);
      if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        if (wait(e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT)) continue;
        ssl_.reset();
        return "TLS handshake timed out";
      }
      unsigned long code = ERR_get_error();
      ERR_clear_error();
      char text[256] = "connection closed during the handshake";
      if (code) ERR_error_string_n(code, text, sizeof text);
      ssl_.reset();
      return std::string("TLS handshake failed: ") + text;
    }
  }

  SSL* ssl() const { return ssl_.get(); }
  static bool IpLiteral(const std::string& s) {
    unsigned char b[16];
    return inet_pton(AF_INET, s.c_str(), b) == 1 || inet_pton(AF_INET6, s.c_str(), b) == 1;
  }

 private:
  [[noreturn]] void fail_errno() { throw std::runtime_error(std::strerror(errno)); }
  bool wait(short events) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd_, events, 0};
    return ::poll(&p, 1, static_cast<int>(left)) > 0;
  }
  long plain_read(char* out, std::size_t n) {
    for (;;) {
      long r = ::recv(fd_, out, n, 0);
      if (r >= 0) return r;
      if ((errno == EAGAIN || errno == EWOULDBLOCK) && wait(POLLIN)) continue;
      return -1;
    }
  }
  bool wait_ssl(int ret) {
    int e = SSL_get_error(ssl_.get(), ret);
    if (e == SSL_ERROR_WANT_READ) return wait(POLLIN);
    if (e == SSL_ERROR_WANT_WRITE) return wait(POLLOUT);
    ERR_clear_error();
    return false;
  }
  long ssl_read(char* out, std::size_t n) {
    for (;;) {
      int r = SSL_read(ssl_.get(), out, static_cast<int>(n));
      if (r > 0) return r;
      if (!wait_ssl(r)) return -1;
    }
  }

  int fd_ = -1;
  std::unique_ptr<SSL, SslFree> ssl_;
  std::string buf_;
  Clock::time_point deadline_;
};

// ---- protocol dialogues ----

std::string upper(std::string_view s) { return str::to_upper(s); }

// Reads an SMTP reply (RFC 5321 §4.2.1 multiline); returns its code and lines (text after "250-").
std::optional<int> smtp_reply(Conn& c, std::vector<std::string>* lines = nullptr) {
  for (int i = 0; i < 200; ++i) {
    auto l = c.read_line();
    if (!l || l->size() < 3) return std::nullopt;
    if (lines) lines->push_back(l->size() > 4 ? l->substr(4) : "");
    if (l->size() == 3 || (*l)[3] != '-') {
      int code = 0;
      std::from_chars(l->data(), l->data() + 3, code);
      return code;
    }
  }
  return std::nullopt;
}

struct Caps {
  bool starttls = false;
  std::vector<std::string> plaintext_auth;
};

// Greeting + capability query in the clear. Returns nullopt when the server does not speak the protocol.
std::optional<Caps> plaintext_dialogue(Conn& c, Proto p, std::string& greeting) {
  Caps caps;
  switch (p) {
    case Proto::Smtp: {
      std::vector<std::string> g;
      auto code = smtp_reply(c, &g);
      if (!code || *code != 220) return std::nullopt;
      greeting = "220 " + (g.empty() ? "" : g.front());
      std::vector<std::string> ehlo;
      if (!c.write("EHLO probe.postamt.invalid\r\n") || smtp_reply(c, &ehlo) != 250) return caps;
      for (std::size_t i = 1; i < ehlo.size(); ++i) {
        std::string u = upper(ehlo[i]);
        if (u == "STARTTLS") caps.starttls = true;
        if (u.starts_with("AUTH ") || u.starts_with("AUTH=")) caps.plaintext_auth.push_back("AUTH" + ehlo[i].substr(4));
      }
      return caps;
    }
    case Proto::Pop3: {
      auto g = c.read_line();
      if (!g || !g->starts_with("+OK")) return std::nullopt;
      greeting = *g;
      if (g->find('<') != std::string::npos && g->find('>') != std::string::npos)
        caps.plaintext_auth.push_back("APOP (password not sent, but a weak MD5 challenge)");
      if (!c.write("CAPA\r\n")) return caps;
      auto first = c.read_line();
      if (!first || !first->starts_with("+OK")) return caps;
      for (int i = 0; i < 500; ++i) {
        auto l = c.read_line();
        if (!l || *l == ".") break;
        std::string u = upper(*l);
        if (u == "STLS") caps.starttls = true;
        if (u == "USER") caps.plaintext_auth.push_back("USER/PASS");
        if (u.starts_with("SASL ") && (u.find("PLAIN") != std::string::npos || u.find("LOGIN") != std::string::npos))
          caps.plaintext_auth.push_back(*l);
      }
      return caps;
    }
    case Proto::Imap: {
      auto g = c.read_line();
      if (!g || !g->starts_with("* ")) return std::nullopt;
      greeting = *g;
      if (!c.write("p1 CAPABILITY\r\n")) return caps;
      std::string capline;
      for (int i = 0; i < 100; ++i) {
        auto l = c.read_line();
        if (!l) break;
        if (str::istarts_with(*l, "* CAPABILITY ")) capline = upper(*l);
        if (l->starts_with("p1 ")) break;
      }
      auto words = str::split(capline, ' ');
      bool logindisabled = false;
      std::vector<std::string> auth;
      for (auto w : words) {
        if (w == "STARTTLS") caps.starttls = true;
        if (w == "LOGINDISABLED") logindisabled = true;
        if (w == "AUTH=PLAIN" || w == "AUTH=LOGIN") auth.emplace_back(w);
      }
      if (!logindisabled) caps.plaintext_auth.push_back("LOGIN (no LOGINDISABLED)");
      for (auto& a : auth) caps.plaintext_auth.push_back(a);
      return caps;
    }
    case Proto::Sieve: {  // RFC 5804 §1.7: the greeting is the capability list, ending in OK
      bool any = false;
      for (int i = 0; i < 100; ++i) {
        auto l = c.read_line();
        if (!l) return any ? std::optional<Caps>(caps) : std::nullopt;
        if (str::istarts_with(*l, "OK")) {
          greeting = *l;
          return caps;
        }
        if (str::istarts_with(*l, "NO") || str::istarts_with(*l, "BYE")) return std::nullopt;
        if (l->empty() || (*l)[0] != '"') return std::nullopt;
        any = true;
        std::string u = upper(*l);
        if (u.starts_with("\"STARTTLS\"")) caps.starttls = true;
        if (u.starts_with("\"SASL\"") && (u.find("PLAIN") != std::string::npos || u.find("LOGIN") != std::string::npos))
          caps.plaintext_auth.push_back("SASL " + l->substr(7));
      }
      return caps;
    }
  }
  return std::nullopt;
}

// Sends the STARTTLS command; true when the server agreed.
bool request_starttls(Conn& c, Proto p) {
  switch (p) {
    case Proto::Smtp: return c.write("STARTTLS\r\n") && smtp_reply(c) == 220;
    case Proto::Pop3: {
      if (!c.write("STLS\r\n")) return false;
      auto l = c.read_line();
      return l && l->starts_with("+OK");
    }
    case Proto::Imap: {
      if (!c.write("p2 STARTTLS\r\n")) return false;
      for (int i = 0; i < 20; ++i) {
        auto l = c.read_line();
        if (!l) return false;
        if (l->starts_with("p2 ")) return str::istarts_with(l->substr(3), "OK");
      }
      return false;
    }
    case Proto::Sieve: {
      if (!c.write("STARTTLS\r\n")) return false;
      auto l = c.read_line();
      return l && str::istarts_with(*l, "OK");
    }
  }
  return false;
}

// A plaintext greeting on an implicit-TLS port?
bool speaks_plaintext(Conn& c, Proto p) {
  auto l = c.read_line();
  if (!l) return false;
  switch (p) {
    case Proto::Smtp: return l->starts_with("220");
    case Proto::Pop3: return l->starts_with("+OK");
    case Proto::Imap: return l->starts_with("* ");
    case Proto::Sieve: return l->starts_with("\"");
  }
  return false;
}

void quit(Conn& c, Proto p) {
  switch (p) {
    case Proto::Smtp: c.write("QUIT\r\n"); break;
    case Proto::Pop3: c.write("QUIT\r\n"); break;
    case Proto::Imap: c.write("p9 LOGOUT\r\n"); break;
    case Proto::Sieve: c.write("LOGOUT\r\n"); break;
  }
}

// ---- certificates ----

std::string name_text(X509_NAME* name) {
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string s(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return s;
}

CertReport inspect(SSL* ssl, const std::string& host) {
  CertReport r;
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) {
    r.chain_error = "no certificate";
    return r;
  }
  r.subject = name_text(X509_get_subject_name(cert));
  r.issuer = name_text(X509_get_issuer_name(cert));
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  X509_digest(cert, EVP_sha256(), md, &mdlen);
  r.fingerprint = str::hex(std::string_view(reinterpret_cast<char*>(md), mdlen));
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
    if (g->type == GEN_DNS) {
      r.sans.push_back("DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(g->d.dNSName)),
                                            ASN1_STRING_length(g->d.dNSName)));
    } else if (g->type == GEN_IPADD) {
      char buf[INET6_ADDRSTRLEN] = "";
      int len = ASN1_STRING_length(g->d.iPAddress);
      inet_ntop(len == 16 ? AF_INET6 : AF_INET, ASN1_STRING_get0_data(g->d.iPAddress), buf, sizeof buf);
      r.sans.push_back(std::string("IP:") + buf);
    }
  }
  GENERAL_NAMES_free(names);
  const ASN1_TIME* na = X509_get0_notAfter(cert);
  tm t{};
  if (ASN1_TIME_to_tm(na, &t) == 1) {
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &t);
    r.not_after = buf;
  }
  int days = 0, secs = 0;
  if (ASN1_TIME_diff(&days, &secs, nullptr, na) == 1) r.days_left = days - (secs < 0 ? 1 : 0);
  long v = SSL_get_verify_result(ssl);
  r.chain_ok = v == X509_V_OK;
  if (!r.chain_ok) r.chain_error = X509_verify_cert_error_string(v);
  r.name_ok = Conn::IpLiteral(host) ? X509_check_ip_asc(cert, host.c_str(), 0) == 1
                                    : X509_check_host(cert, host.data(), host.size(), 0, nullptr) == 1;
  X509_free(cert);
  return r;
}

void record_tls(PortReport& rep, SSL* ssl, const std::string& host) {
  rep.version = SSL_get_version(ssl);
  rep.cipher = SSL_get_cipher_name(ssl);
  rep.cert = inspect(ssl, host);
}

// ---- one port ----

struct Target {
  sockaddr_storage addr{};
  socklen_t len = 0;
  std::string host;  // for SNI and the name check
};

std::unique_ptr<Conn> connect_to(const Target& t, int port, Clock::time_point deadline) {
  sockaddr_storage a = t.addr;
  if (a.ss_family == AF_INET) reinterpret_cast<sockaddr_in*>(&a)->sin_port = htons(static_cast<uint16_t>(port));
  else reinterpret_cast<sockaddr_in6*>(&a)->sin6_port = htons(static_cast<uint16_t>(port));
  return std::make_unique<Conn>(a, t.len, deadline);
}

void probe_port(PortReport& rep, const Target& t, SSL_CTX* ctx, std::chrono::milliseconds timeout) {
  const Service& s = rep.svc;
  std::string p = "port " + std::to_string(s.port);
  std::unique_ptr<Conn> c;
  try {
    c = connect_to(t, s.port, Clock::now() + timeout);
  } catch (const std::exception& e) {
    rep.connect_error = e.what();
    return;
  }
  rep.answered = true;
  if (s.mode == Mode::Implicit) {
    std::string err = c->start_tls(ctx, t.host);
    if (err.empty()) {
      rep.tls_mode = "implicit";
      record_tls(rep, c->ssl(), t.host);
      c->set_deadline(Clock::now() + timeout);
      if (!speaks_plaintext(*c, s.proto))
        rep.problems.push_back(p + " completed TLS but sent no " + s.name + " greeting");
      else
        quit(*c, s.proto);
      return;
    }
    // Not TLS: does it greet in the clear?
    try {
      auto again = connect_to(t, s.port, Clock::now() + timeout);
      if (speaks_plaintext(*again, s.proto)) {
        rep.tls_mode = "none";
        rep.problems.push_back(p + " expected implicit TLS but the server speaks plaintext");
        return;
      }
    } catch (const std::exception&) {
    }
    rep.tls_mode = "failed";
    rep.problems.push_back(p + ": " + err);
    return;
  }
  // STARTTLS port.
  auto caps = plaintext_dialogue(*c, s.proto, rep.greeting);
  if (!caps) {
    // Silence or garbage: maybe implicit TLS on a STARTTLS port.
    try {
      auto again = connect_to(t, s.port, Clock::now() + timeout);
      if (again->start_tls(ctx, t.host).empty()) {
        rep.tls_mode = "implicit";
        record_tls(rep, again->ssl(), t.host);
        rep.problems.push_back(p + " expected " + s.name + " with " + starttls_word(s.proto) +
                               " but the server speaks implicit TLS");
        return;
      }
    } catch (const std::exception&) {
    }
    rep.tls_mode = "?";
    rep.problems.push_back(p + " answers but does not speak " + s.name);
    return;
  }
  rep.plaintext_auth = caps->plaintext_auth;
  if (!rep.plaintext_auth.empty()) {
    std::string list;
    for (const auto& a : rep.plaintext_auth) list += (list.empty() ? "" : ", ") + a;
    rep.problems.push_back(p + " lets a client send a password before TLS (" + list + ")");
  }
  if (!caps->starttls) {
    rep.tls_mode = "none";
    rep.problems.push_back(p + " offers no " + starttls_word(s.proto));
    quit(*c, s.proto);
    return;
  }
  if (!request_starttls(*c, s.proto)) {
    rep.tls_mode = "failed";
    rep.problems.push_back(p + " advertises " + starttls_word(s.proto) + " but refused it");
    return;
  }
  std::string err = c->start_tls(ctx, t.host);
  if (!err.empty()) {
    rep.tls_mode = "failed";
    rep.problems.push_back(p + ": " + starttls_word(s.proto) + " " + err);
    return;
  }
  rep.tls_mode = "STARTTLS";
  record_tls(rep, c->ssl(), t.host);
  quit(*c, s.proto);
}

// ---- arguments ----

std::vector<Service> parse_ports(const std::string& list) {
  std::vector<Service> out;
  for (auto item_view : str::split(list, ',')) {
    std::string item(str::trim(item_view));
    if (item.empty()) continue;
    std::string name;
    std::string number = item;
    if (auto colon = item.find(':'); colon != std::string::npos) {  // SERVICE:PORT
      name = str::to_lower(item.substr(0, colon));
      number = item.substr(colon + 1);
    }
    int port = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), port);
    if (ec != std::errc() || end != number.data() + number.size() || port < 1 || port > 65535)
      throw UsageError("bad port '" + item + "'");
    if (name == "smtps") name = "submissions";
    if (name == "managesieve") name = "sieve";
    const Service* svc = nullptr;
    for (const auto& s : kServices)
      if (name.empty() ? s.port == port : name == s.name) svc = &s;
    if (!svc)
      throw UsageError(name.empty() ? "port " + number + " is not a standard mail port; write SERVICE:PORT (e.g. imaps:" + number + ")"
                                    : "unknown service '" + name + "' (smtp, submission, submissions, pop3, pop3s, imap, imaps, sieve)");
    Service s = *svc;
    s.port = port;
    out.push_back(s);
  }
  if (out.empty()) throw UsageError("--ports lists no port");
  return out;
}

std::string pad(std::string s, std::size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}

}  // namespace

int cmd_probe(const Argv& argv) {
  Args args(argv, {{"--ports", "--timeout", "--cafile", "--servername"}, {}});
  if (args.positional().size() != 1) throw UsageError("expected one HOST");
  std::string host = args.positional()[0];
  std::vector<Service> services = args.get("--ports") ? parse_ports(*args.get("--ports"))
                                                     : std::vector<Service>(std::begin(kServices), std::end(kServices));
  double timeout_s = 10;
  if (auto t = args.get("--timeout")) {
    try {
      timeout_s = std::stod(*t);
    } catch (const std::exception&) {
      timeout_s = -1;
    }
    if (!(timeout_s > 0 && timeout_s <= 300)) throw UsageError("--timeout must be seconds, 0..300");
  }
  auto timeout = std::chrono::milliseconds(static_cast<long>(timeout_s * 1000));

  Target target;
  target.host = args.get_or("--servername", host);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res); rc != 0 || !res) {
    std::fprintf(stderr, "postamt probe: cannot resolve %s: %s\n", host.c_str(), gai_strerror(rc));
    return EX_NOHOST;
  }
  std::memcpy(&target.addr, res->ai_addr, res->ai_addrlen);
  target.len = res->ai_addrlen;
  freeaddrinfo(res);

  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()), &SSL_CTX_free);
  if (!ctx) throw std::runtime_error("cannot create a TLS context");
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);  // report the verdict instead of failing
  if (auto ca = args.get("--cafile")) {
    if (SSL_CTX_load_verify_locations(ctx.get(), ca->c_str(), nullptr) != 1) {
      std::fprintf(stderr, "postamt probe: cannot load CA file %s\n", ca->c_str());
      return EX_NOINPUT;
    }
  } else {
    SSL_CTX_set_default_verify_paths(ctx.get());
  }

  std::vector<PortReport> reports;
  for (const auto& s : services) {
    reports.emplace_back();
    reports.back().svc = s;
  }
  std::vector<std::thread> threads;
  for (auto& r : reports)
    threads.emplace_back([&r, &target, &ctx, timeout] {
      try {
        probe_port(r, target, ctx.get(), timeout);
      } catch (const std::exception& e) {
        r.problems.push_back("port " + std::to_string(r.svc.port) + ": " + e.what());
      }
    });
  for (auto& t : threads) t.join();

  std::printf("postamt probe %s", host.c_str());
  if (target.host != host) std::printf(" (name %s)", target.host.c_str());
  std::printf("\n\n%s%s%s%s%s%s%s\n", pad("PORT", 7).c_str(), pad("SERVICE", 13).c_str(), pad("STATE", 8).c_str(),
              pad("TLS", 10).c_str(), pad("VERSION", 9).c_str(), pad("CIPHER", 32).c_str(), "PASSWORD BEFORE TLS");
  for (const auto& r : reports) {
    std::string pw = r.svc.mode == Mode::Implicit || !r.answered ? "-" : (r.plaintext_auth.empty() ? "no" : "YES");
    std::printf("%s%s%s%s%s%s%s\n", pad(std::to_string(r.svc.port), 7).c_str(), pad(r.svc.name, 13).c_str(),
                pad(r.answered ? "open" : "closed", 8).c_str(), pad(r.tls_mode, 10).c_str(),
                pad(r.version.empty() ? "-" : r.version, 9).c_str(), pad(r.cipher.empty() ? "-" : r.cipher, 32).c_str(),
                pw.c_str());
  }

  // Certificates, one block per distinct certificate, naming the ports that present it.
  std::map<std::string, std::vector<const PortReport*>> by_cert;
  std::vector<std::string> order;
  for (const auto& r : reports)
    if (r.cert) {
      if (!by_cert.count(r.cert->fingerprint)) order.push_back(r.cert->fingerprint);
      by_cert[r.cert->fingerprint].push_back(&r);
    }
  std::vector<std::string> problems;
  for (const auto& fp : order) {
    const auto& ports = by_cert[fp];
    const CertReport& c = *ports.front()->cert;
    std::string plist;
    for (const auto* r : ports) plist += (plist.empty() ? "" : ", ") + std::to_string(r->svc.port);
    std::string sans;
    for (const auto& s : c.sans) sans += (sans.empty() ? "" : ", ") + s;
    std::printf("\ncertificate on port%s %s\n", ports.size() > 1 ? "s" : "", plist.c_str());
    std::printf("  subject:  %s\n  SANs:     %s\n  issuer:   %s\n", c.subject.c_str(), sans.empty() ? "(none)" : sans.c_str(),
                c.issuer.c_str());
    std::printf("  expires:  %s (%s%ld days)\n", c.not_after.c_str(), c.days_left < 0 ? "expired " : "in ",
                c.days_left < 0 ? -c.days_left : c.days_left);
    std::printf("  chain:    %s\n", c.chain_ok ? "valid" : ("NOT TRUSTED: " + c.chain_error).c_str());
    std::printf("  hostname: %s %s\n", target.host.c_str(), c.name_ok ? "matches" : "DOES NOT MATCH");
    std::string who = "certificate on port" + std::string(ports.size() > 1 ? "s " : " ") + plist;
    if (c.days_left < 0) problems.push_back(who + " has expired (" + c.not_after + ")");
    else if (c.days_left < 14) problems.push_back(who + " expires in " + std::to_string(c.days_left) + " days");
    if (!c.chain_ok) problems.push_back(who + " is not trusted: " + c.chain_error);
    if (!c.name_ok) problems.push_back(who + " does not match " + target.host);
  }
  bool any_open = false;
  for (const auto& r : reports) {
    any_open |= r.answered;
    problems.insert(problems.end(), r.problems.begin(), r.problems.end());
  }
  if (!any_open) problems.push_back("no port answers on " + host);
  std::sort(problems.begin(), problems.end());
  if (problems.empty()) {
    std::printf("\nno problems found\n");
    return EX_OK;
  }
  std::printf("\nproblems:\n");
  for (const auto& p : problems) std::printf("  - %s\n", p.c_str());
  return 1;
}

}  // namespace postamt::cli
