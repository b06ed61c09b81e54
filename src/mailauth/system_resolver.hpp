// A Resolver over the system's stub resolver (res_nquery from libresolv, /etc/resolv.conf), with a
// per-query timeout; blocking, so call it from a worker thread (common/offload.hpp), never an I/O thread.
#pragma once
#include <chrono>

#include "mailauth/resolver.hpp"

namespace postamt::mailauth {

class SystemResolver : public Resolver {
 public:
  // timeout: per attempt (rounded up to whole seconds, libresolv's unit); attempts: tries per server.
  explicit SystemResolver(std::chrono::seconds timeout = std::chrono::seconds(5), int attempts = 2);

  DnsResult<std::string> txt(std::string_view name) override;
  DnsResult<std::string> a(std::string_view name) override;
  DnsResult<std::string> aaaa(std::string_view name) override;
  DnsResult<MxRecord> mx(std::string_view name) override;

 private:
  int timeout_s_;
  int attempts_;
};

}  // namespace postamt::mailauth
