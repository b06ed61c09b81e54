// StaticResolver: a table of DNS records (names case-insensitive), NoData for a known name without the
// asked type, NxDomain (or the fallback resolver) for an unknown name.
#include "mailauth/static_resolver.hpp"

#include "common/strings.hpp"

namespace postamt::mailauth {
namespace {
std::string key(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return str::to_lower(name);
}
}  // namespace

const char* to_string(DnsStatus s) {
  switch (s) {
    case DnsStatus::Ok: return "ok";
    case DnsStatus::NoData: return "no data";
    case DnsStatus::NxDomain: return "no such domain";
    case DnsStatus::TempFail: return "temporary DNS failure";
    case DnsStatus::PermFail: return "DNS error";
  }
  return "?";
}

void StaticResolver::add_txt(std::string_view name, std::string value) {
  names_.insert(key(name));
  txt_[key(name)].push_back(std::move(value));
}
void StaticResolver::add_a(std::string_view name, std::string address) {
  names_.insert(key(name));
  a_[key(name)].push_back(std::move(address));
}
void StaticResolver::add_aaaa(std::string_view name, std::string address) {
  names_.insert(key(name));
  aaaa_[key(name)].push_back(std::move(address));
}
void StaticResolver::add_mx(std::string_view name, std::uint16_t preference, std::string exchange) {
  names_.insert(key(name));
  mx_[key(name)].push_back({preference, std::move(exchange)});
}
void StaticResolver::add_tempfail(std::string_view name) { tempfail_.insert(key(name)); }

template <class T>
DnsResult<T> StaticResolver::answer(const std::map<std::string, std::vector<T>>& table, std::string_view name,
                                    DnsResult<T> (Resolver::*fallback)(std::string_view)) {
  ++queries_;
  std::string k = key(name);
  DnsResult<T> r;
  if (tempfail_.count(k)) {
    r.status = DnsStatus::TempFail;
    return r;
  }
  if (auto it = table.find(k); it != table.end()) {
    r.status = DnsStatus::Ok;
    r.records = it->second;
    return r;
  }
  if (names_.count(k)) {
    r.status = DnsStatus::NoData;
    return r;
  }
  if (fallback_) return (fallback_->*fallback)(name);
  r.status = DnsStatus::NxDomain;
  return r;
}

DnsResult<std::string> StaticResolver::txt(std::string_view n) { return answer(txt_, n, &Resolver::txt); }
DnsResult<std::string> StaticResolver::a(std::string_view n) { return answer(a_, n, &Resolver::a); }
DnsResult<std::string> StaticResolver::aaaa(std::string_view n) { return answer(aaaa_, n, &Resolver::aaaa); }
DnsResult<MxRecord> StaticResolver::mx(std::string_view n) { return answer(mx_, n, &Resolver::mx); }

}  // namespace postamt::mailauth
