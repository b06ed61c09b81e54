// SystemResolver: res_nquery (libresolv) with EDNS0 and a bounded answer buffer; answers parsed with
// ns_initparse/ns_parserr. TXT rdata is a sequence of <length><bytes> strings (RFC 1035 §3.3.14).
#include "mailauth/system_resolver.hpp"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <netdb.h>
#include <resolv.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace postamt::mailauth {
namespace {

constexpr int kAnswerBufferSize = 65535;
constexpr std::size_t kMaxNameLength = 253;

struct Query {
  DnsStatus status = DnsStatus::NoData;
  std::vector<unsigned char> answer;
  int length = 0;
};

Query run_query(std::string_view name, int type, int timeout_s, int attempts) {
  Query q;
  if (name.empty() || name.size() > kMaxNameLength || name.find('\0') != std::string_view::npos) {
    q.status = DnsStatus::PermFail;
    return q;
  }
  struct __res_state state;
  std::memset(&state, 0, sizeof state);
  if (res_ninit(&state) != 0) {
    q.status = DnsStatus::TempFail;
    return q;
  }
  state.retrans = timeout_s;
  state.retry = attempts;
  state.options |= RES_USE_EDNS0;
  state.options &= ~(RES_DNSRCH | RES_DEFNAMES);  // names are absolute: no search list
  q.answer.resize(kAnswerBufferSize);
  std::string n(name);
  q.length = res_nquery(&state, n.c_str(), ns_c_in, type, q.answer.data(), static_cast<int>(q.answer.size()));
  if (q.length < 0) {
    switch (state.res_h_errno) {
      case HOST_NOT_FOUND: q.status = DnsStatus::NxDomain; break;
      case NO_DATA: q.status = DnsStatus::NoData; break;
      case NO_RECOVERY: q.status = DnsStatus::PermFail; break;
      default: q.status = DnsStatus::TempFail; break;  // TRY_AGAIN, NETDB_INTERNAL (timeouts)
    }
  } else {
    q.status = DnsStatus::Ok;
  }
  res_nclose(&state);
  return q;
}

// Calls fn(rr) for every answer record of `type`; returns false if the message does not parse.
template <class Fn>
bool for_each_answer(const Query& q, int type, Fn fn) {
  ns_msg msg;
  if (ns_initparse(q.answer.data(), q.length, &msg) != 0) return false;
  int count = ns_msg_count(msg, ns_s_an);
  for (int i = 0; i < count; ++i) {
    ns_rr rr;
    if (ns_parserr(&msg, ns_s_an, i, &rr) != 0) return false;
    if (ns_rr_type(rr) != type || ns_rr_class(rr) != ns_c_in) continue;  // CNAMEs in the chain
    if (!fn(msg, rr)) return false;
  }
  return true;
}

template <class T, class Fn>
DnsResult<T> lookup(std::string_view name, int type, int timeout_s, int attempts, Fn parse) {
  DnsResult<T> r;
  Query q = run_query(name, type, timeout_s, attempts);
  r.status = q.status;
  if (q.status != DnsStatus::Ok) return r;
  if (!for_each_answer(q, type, [&](ns_msg& msg, ns_rr& rr) { return parse(msg, rr, r.records); })) {
    r.status = DnsStatus::PermFail;
    r.records.clear();
    return r;
  }
  if (r.records.empty()) r.status = DnsStatus::NoData;
  return r;
}

std::string address_text(int family, const unsigned char* data) {
  char buf[INET6_ADDRSTRLEN];
  if (!inet_ntop(family, data, buf, sizeof buf)) return {};
  return buf;
}

}  // namespace

SystemResolver::SystemResolver(std::chrono::seconds timeout, int attempts)
    : timeout_s_(std::max<int>(1, static_cast<int>(timeout.count()))), attempts_(std::max(1, attempts)) {}

DnsResult<std::string> SystemResolver::txt(std::string_view name) {
  return lookup<std::string>(name, ns_t_txt, timeout_s_, attempts_,
                             [](ns_msg&, ns_rr& rr, std::vector<std::string>& out) {
                               const unsigned char* p = ns_rr_rdata(rr);
                               const unsigned char* end = p + ns_rr_rdlen(rr);
                               std::string text;
                               while (p < end) {
                                 std::size_t len = *p++;
                                 if (len > static_cast<std::size_t>(end - p)) return false;
                                 text.append(reinterpret_cast<const char*>(p), len);
                                 p += len;
                               }
                               out.push_back(std::move(text));
                               return true;
                             });
}

DnsResult<std::string> SystemResolver::a(std::string_view name) {
  return lookup<std::string>(name, ns_t_a, timeout_s_, attempts_,
                             [](ns_msg&, ns_rr& rr, std::vector<std::string>& out) {
                               if (ns_rr_rdlen(rr) != 4) return false;
                               out.push_back(address_text(AF_INET, ns_rr_rdata(rr)));
                               return true;
                             });
}

DnsResult<std::string> SystemResolver::aaaa(std::string_view name) {
  return lookup<std::string>(name, ns_t_aaaa, timeout_s_, attempts_,
                             [](ns_msg&, ns_rr& rr, std::vector<std::string>& out) {
                               if (ns_rr_rdlen(rr) != 16) return false;
                               out.push_back(address_text(AF_INET6, ns_rr_rdata(rr)));
                               return true;
                             });
}

DnsResult<MxRecord> SystemResolver::mx(std::string_view name) {
  return lookup<MxRecord>(name, ns_t_mx, timeout_s_, attempts_,
                          [](ns_msg& msg, ns_rr& rr, std::vector<MxRecord>& out) {
                            if (ns_rr_rdlen(rr) < 3) return false;
                            MxRecord mx;
                            mx.preference = ns_get16(ns_rr_rdata(rr));
                            char host[NS_MAXDNAME];
                            if (dn_expand(ns_msg_base(msg), ns_msg_end(msg), ns_rr_rdata(rr) + 2, host,
                                          sizeof host) < 0)
                              return false;
                            mx.exchange = host;
                            if (mx.exchange == ".") mx.exchange.clear();  // null MX, RFC 7505
                            out.push_back(std::move(mx));
                            return true;
                          });
}

}  // namespace postamt::mailauth
