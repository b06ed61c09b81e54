// The real Resolver over c-ares (Debian libc-ares): its own channel per question, so any thread may
// ask; blocking with a per-try timeout, so call it from a worker thread, never an I/O thread.
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "dns/resolver.hpp"

namespace postamt::dns {

struct ResolverOptions {
  // "192.0.2.53", "127.0.0.1:5353", "[::1]:53"; empty: the servers of /etc/resolv.conf.
  std::vector<std::string> servers;
  std::chrono::milliseconds timeout{5000};  // per try and server
  int tries = 2;
};

class AresResolver : public Resolver {
 public:
  // Throws std::runtime_error when c-ares cannot be initialised or a server address is malformed.
  explicit AresResolver(ResolverOptions options = {});

  Answer<Mx> mx(std::string_view name) override;
  Answer<std::string> a(std::string_view name) override;
  Answer<std::string> aaaa(std::string_view name) override;
  Answer<std::string> txt(std::string_view name) override;

 private:
  ResolverOptions options_;
  std::string servers_csv_;
};

}  // namespace postamt::dns
