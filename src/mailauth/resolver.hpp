// The DNS questions mail authentication asks (TXT for DKIM/SPF/DMARC, A/AAAA/MX for SPF), as a small
// synchronous interface: the lead connects it to dns/'s Resolver; system_resolver.hpp answers today.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace postamt::mailauth {

// Ok: RCODE 0 with answers. NoData: RCODE 0, no answer of the type. NxDomain: RCODE 3.
// TempFail: SERVFAIL, timeout, network error. PermFail: any other error (REFUSED, FORMERR, bad name).
// RFC 7208 §4.6.4 counts NoData and NxDomain as "void lookups"; RFC 6376 §6.1.2 and RFC 7489 §6.6.3
// treat both as "no key"/"no record".
enum class DnsStatus { Ok, NoData, NxDomain, TempFail, PermFail };

template <class T>
struct DnsResult {
  DnsStatus status = DnsStatus::NoData;
  std::vector<T> records;
  bool ok() const { return status == DnsStatus::Ok && !records.empty(); }
  bool void_answer() const { return status == DnsStatus::NoData || status == DnsStatus::NxDomain ||
                                    (status == DnsStatus::Ok && records.empty()); }
};

struct MxRecord {
  std::uint16_t preference = 0;
  std::string exchange;  // without the trailing dot; "" for the null MX of RFC 7505
};

class Resolver {
 public:
  virtual ~Resolver() = default;
  // One string per TXT record: its character-strings concatenated without separator (RFC 7208 §3.3,
  // RFC 6376 §3.6.2.2).
  virtual DnsResult<std::string> txt(std::string_view name) = 0;
  // Addresses in textual form ("192.0.2.1", "2001:db8::1").
  virtual DnsResult<std::string> a(std::string_view name) = 0;
  virtual DnsResult<std::string> aaaa(std::string_view name) = 0;
  virtual DnsResult<MxRecord> mx(std::string_view name) = 0;
};

const char* to_string(DnsStatus s);

}  // namespace postamt::mailauth
