// c-ares queries (RFC 1035 §4) with poll(2) on the channel's sockets and the channel's own timeouts;
// answers parsed with c-ares' parsers, names lower-cased without the trailing dot.
#include "dns/ares_resolver.hpp"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <ares.h>
#include <poll.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "common/strings.hpp"

namespace postamt::dns {
namespace {

std::once_flag g_init;

struct Raw {
  Status status = Status::TempFail;
  std::string error;
  std::vector<unsigned char> answer;
  bool done = false;
};

Status map_status(int code) {
  switch (code) {
    case ARES_SUCCESS: return Status::Ok;
    case ARES_ENODATA: return Status::NoData;
    case ARES_ENOTFOUND: return Status::NxDomain;
    case ARES_EFORMERR:
    case ARES_EREFUSED:
    case ARES_EBADNAME:
    case ARES_EBADQUERY:
    case ARES_EBADFAMILY:
    case ARES_ENOTIMP: return Status::PermFail;
    default: return Status::TempFail;  // SERVFAIL, timeout, connection refused, out of memory
  }
}

void on_answer(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
  auto* raw = static_cast<Raw*>(arg);
  raw->done = true;
  raw->status = map_status(status);
  if (status != ARES_SUCCESS) raw->error = ares_strerror(status);
  if (status == ARES_SUCCESS && abuf && alen > 0) raw->answer.assign(abuf, abuf + alen);
}

std::string clean_name(const char* name) {
  std::string n = str::to_lower(name ? name : "");
  while (!n.empty() && n.back() == '.') n.pop_back();
  return n;
}

}  // namespace

AresResolver::AresResolver(ResolverOptions options) : options_(std::move(options)) {
  std::call_once(g_init, [] { ares_library_init(ARES_LIB_INIT_ALL); });
  for (const auto& s : options_.servers) {
    if (s.empty() || s.find_first_of(" ,\t") != std::string::npos)
      throw std::runtime_error("malformed DNS server address '" + s + "'");
    if (!servers_csv_.empty()) servers_csv_ += ",";
    servers_csv_ += s;
  }
  if (options_.tries < 1) options_.tries = 1;
}

namespace {

Raw run_query(const ResolverOptions& opts, const std::string& csv, std::string_view name, int type) {
  Raw raw;
  if (name.empty() || name.size() > 253) {
    raw.status = Status::PermFail;
    raw.error = "bad name";
    return raw;
  }
  ares_options o{};
  o.timeout = static_cast<int>(opts.timeout.count());
  o.tries = opts.tries;
  o.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
  ares_channel channel = nullptr;
  int rc = ares_init_options(&channel, &o, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS);
  if (rc != ARES_SUCCESS) {
    raw.error = std::string("c-ares init: ") + ares_strerror(rc);
    return raw;
  }
  struct Destroy {
    ares_channel c;
    ~Destroy() { ares_destroy(c); }
  } destroy{channel};
  if (!csv.empty()) {
    rc = ares_set_servers_ports_csv(channel, csv.c_str());
    if (rc != ARES_SUCCESS) {
      raw.status = Status::PermFail;
      raw.error = std::string("DNS servers '") + csv + "': " + ares_strerror(rc);
      return raw;
    }
  }
  std::string qname(name);
  ares_query(channel, qname.c_str(), ns_c_in, type, on_answer, &raw);
  while (!raw.done) {
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    int bits = ares_getsock(channel, socks, ARES_GETSOCK_MAXNUM);
    std::vector<pollfd> fds;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
      short ev = 0;
      if (ARES_GETSOCK_READABLE(bits, i)) ev |= POLLIN;
      if (ARES_GETSOCK_WRITABLE(bits, i)) ev |= POLLOUT;
      if (ev) fds.push_back(pollfd{socks[i], ev, 0});
    }
    timeval tv{};
    timeval* t = ares_timeout(channel, nullptr, &tv);
    int ms = t ? static_cast<int>(t->tv_sec * 1000 + t->tv_usec / 1000) : 100;
    if (fds.empty() && !t) break;  // nothing pending, no callback: should not happen
    int n = ::poll(fds.data(), fds.size(), std::max(ms, 1));
    if (n <= 0) {
      ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // timeouts
      continue;
    }
    for (auto& p : fds) {
      ares_socket_t r = (p.revents & (POLLIN | POLLERR | POLLHUP)) ? p.fd : ARES_SOCKET_BAD;
      ares_socket_t w = (p.revents & POLLOUT) ? p.fd : ARES_SOCKET_BAD;
      if (r != ARES_SOCKET_BAD || w != ARES_SOCKET_BAD) ares_process_fd(channel, r, w);
    }
  }
  if (!raw.done) raw.error = "no answer";
  return raw;
}

template <class T>
Answer<T> from_raw(const Raw& raw) {
  Answer<T> a;
  a.status = raw.status;
  a.error = raw.error;
  return a;
}

template <class T>
Answer<T> malformed(int rc) {
  Answer<T> a;
  if (rc == ARES_ENODATA) {
    a.status = Status::NoData;
  } else {
    a.status = Status::PermFail;
    a.error = std::string("malformed answer: ") + ares_strerror(rc);
  }
  return a;
}

}  // namespace

Answer<Mx> AresResolver::mx(std::string_view name) {
  Raw raw = run_query(options_, servers_csv_, name, ns_t_mx);
  if (raw.status != Status::Ok) return from_raw<Mx>(raw);
  ares_mx_reply* reply = nullptr;
  int rc = ares_parse_mx_reply(raw.answer.data(), static_cast<int>(raw.answer.size()), &reply);
  if (rc != ARES_SUCCESS) return malformed<Mx>(rc);
  Answer<Mx> out;
  out.status = Status::Ok;
  for (auto* r = reply; r; r = r->next) out.records.push_back(Mx{r->priority, clean_name(r->host)});
  ares_free_data(reply);
  if (out.records.empty()) out.status = Status::NoData;
  return out;
}

namespace {

template <int Family>
Answer<std::string> addresses(const ResolverOptions& opts, const std::string& csv, std::string_view name) {
  Raw raw = run_query(opts, csv, name, Family == AF_INET ? ns_t_a : ns_t_aaaa);
  if (raw.status != Status::Ok) return from_raw<std::string>(raw);
  hostent* host = nullptr;
  int rc = Family == AF_INET
               ? ares_parse_a_reply(raw.answer.data(), static_cast<int>(raw.answer.size()), &host, nullptr, nullptr)
               : ares_parse_aaaa_reply(raw.answer.data(), static_cast<int>(raw.answer.size()), &host, nullptr, nullptr);
  if (rc != ARES_SUCCESS) return malformed<std::string>(rc);
  Answer<std::string> out;
  out.status = Status::Ok;
  for (char** p = host->h_addr_list; p && *p; ++p) {
    char text[INET6_ADDRSTRLEN] = {};
    if (inet_ntop(Family, *p, text, sizeof text)) out.records.emplace_back(text);
  }
  ares_free_hostent(host);
  if (out.records.empty()) out.status = Status::NoData;
  return out;
}

}  // namespace

Answer<std::string> AresResolver::a(std::string_view name) { return addresses<AF_INET>(options_, servers_csv_, name); }
Answer<std::string> AresResolver::aaaa(std::string_view name) {
  return addresses<AF_INET6>(options_, servers_csv_, name);
}

Answer<std::string> AresResolver::txt(std::string_view name) {
  Raw raw = run_query(options_, servers_csv_, name, ns_t_txt);
  if (raw.status != Status::Ok) return from_raw<std::string>(raw);
  ares_txt_ext* reply = nullptr;
  int rc = ares_parse_txt_reply_ext(raw.answer.data(), static_cast<int>(raw.answer.size()), &reply);
  if (rc != ARES_SUCCESS) return malformed<std::string>(rc);
  Answer<std::string> out;
  out.status = Status::Ok;
  for (auto* r = reply; r; r = r->next) {
    std::string piece(reinterpret_cast<const char*>(r->txt), r->length);
    if (r->record_start || out.records.empty()) {
      out.records.push_back(std::move(piece));
    } else {
      out.records.back() += piece;  // RFC 7208 §3.3: strings of one record are concatenated
    }
  }
  ares_free_data(reply);
  if (out.records.empty()) out.status = Status::NoData;
  return out;
}

const char* to_string(Status s) {
  switch (s) {
    case Status::Ok: return "ok";
    case Status::NoData: return "nodata";
    case Status::NxDomain: return "nxdomain";
    case Status::TempFail: return "tempfail";
    case Status::PermFail: return "permfail";
  }
  return "?";
}

}  // namespace postamt::dns
