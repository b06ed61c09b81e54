// A Resolver answering from a table of records, optionally falling back to another resolver: used by
// `postamt dkim verify --record` (check a key before publishing it) and as test data in unit tests.
#pragma once
#include <map>
#include <set>
#include <string>

#include "mailauth/resolver.hpp"

namespace postamt::mailauth {

class StaticResolver : public Resolver {
 public:
  explicit StaticResolver(Resolver* fallback = nullptr) : fallback_(fallback) {}

  // Names are matched case-insensitively, without a trailing dot.
  void add_txt(std::string_view name, std::string value);
  void add_a(std::string_view name, std::string address);
  void add_aaaa(std::string_view name, std::string address);
  void add_mx(std::string_view name, std::uint16_t preference, std::string exchange);
  // Every query for `name` answers TempFail (a broken zone).
  void add_tempfail(std::string_view name);

  DnsResult<std::string> txt(std::string_view name) override;
  DnsResult<std::string> a(std::string_view name) override;
  DnsResult<std::string> aaaa(std::string_view name) override;
  DnsResult<MxRecord> mx(std::string_view name) override;

  int queries() const { return queries_; }  // how many questions were asked (lookup-limit tests)

 private:
  template <class T>
  DnsResult<T> answer(const std::map<std::string, std::vector<T>>& table, std::string_view name,
                      DnsResult<T> (Resolver::*fallback)(std::string_view));

  Resolver* fallback_;
  std::map<std::string, std::vector<std::string>> txt_, a_, aaaa_;
  std::map<std::string, std::vector<MxRecord>> mx_;
  std::set<std::string> names_, tempfail_;
  int queries_ = 0;
};

}  // namespace postamt::mailauth
