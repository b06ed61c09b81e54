// The DNS questions the outbound queue (and mail authentication) asks: MX, A, AAAA, TXT, as a small
// synchronous interface (DESIGN.md "Resolver"); ares_resolver.hpp is the real one, tests use fakes.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace postamt::dns {

// Ok: RCODE 0 with answers. NoData: RCODE 0, no record of the type. NxDomain: RCODE 3.
// TempFail: SERVFAIL, timeout, network error. PermFail: REFUSED, FORMERR, a malformed name or answer.
enum class Status { Ok, NoData, NxDomain, TempFail, PermFail };

template <class T>
struct Answer {
  Status status = Status::NoData;
  std::vector<T> records;
  std::string error;  // a short reason when not Ok (for logs and DSN diagnostic text)
  bool ok() const { return status == Status::Ok && !records.empty(); }
};

struct Mx {
  std::uint16_t preference = 0;
  std::string exchange;  // lower case, without the trailing dot; "" for the null MX of RFC 7505
};

class Resolver {
 public:
  virtual ~Resolver() = default;
  virtual Answer<Mx> mx(std::string_view name) = 0;
  // Addresses in textual form ("192.0.2.1", "2001:db8::1").
  virtual Answer<std::string> a(std::string_view name) = 0;
  virtual Answer<std::string> aaaa(std::string_view name) = 0;
  // One string per TXT record, its character-strings concatenated (RFC 7208 §3.3).
  virtual Answer<std::string> txt(std::string_view name) = 0;
};

const char* to_string(Status s);

}  // namespace postamt::dns
