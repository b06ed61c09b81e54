// mailauth::Resolver over dns::Resolver (the c-ares resolver of dns/), so SPF, DKIM and DMARC ask the
// same DNS servers as MX routing ([queue] resolvers). Header-only: postamt_mailauth does not link
// postamt_dns; the users of this adapter (smtp, queue) link both. Blocking: call it from a worker
// thread. An optional deadline bounds all questions of one message (RFC 7208 §4.6.4: about 20 s).
#pragma once
#include <chrono>
#include <memory>
#include <utility>

#include "dns/resolver.hpp"
#include "mailauth/resolver.hpp"

namespace postamt::mailauth {

class DnsAdapter : public Resolver {
 public:
  using Clock = std::chrono::steady_clock;
  // Past `deadline` every question answers TempFail at once (the checks end as temperror).
  explicit DnsAdapter(std::shared_ptr<dns::Resolver> inner, Clock::time_point deadline = Clock::time_point::max())
      : inner_(std::move(inner)), deadline_(deadline) {}

  DnsResult<std::string> txt(std::string_view name) override {
    return late() ? timed_out<std::string>() : convert(inner_->txt(name));
  }
  DnsResult<std::string> a(std::string_view name) override {
    return late() ? timed_out<std::string>() : convert(inner_->a(name));
  }
  DnsResult<std::string> aaaa(std::string_view name) override {
    return late() ? timed_out<std::string>() : convert(inner_->aaaa(name));
  }
  DnsResult<MxRecord> mx(std::string_view name) override {
    if (late()) return timed_out<MxRecord>();
    auto answer = inner_->mx(name);
    DnsResult<MxRecord> out;
    out.status = status(answer.status);
    for (auto& r : answer.records) out.records.push_back(MxRecord{r.preference, std::move(r.exchange)});
    return out;
  }

  static DnsStatus status(dns::Status s) {
    switch (s) {
      case dns::Status::Ok: return DnsStatus::Ok;
      case dns::Status::NoData: return DnsStatus::NoData;
      case dns::Status::NxDomain: return DnsStatus::NxDomain;
      case dns::Status::TempFail: return DnsStatus::TempFail;
      case dns::Status::PermFail: return DnsStatus::PermFail;
    }
    return DnsStatus::TempFail;
  }

 private:
  bool late() const { return deadline_ != Clock::time_point::max() && Clock::now() >= deadline_; }
  template <class T>
  static DnsResult<T> timed_out() {
    DnsResult<T> r;
    r.status = DnsStatus::TempFail;
    return r;
  }
  static DnsResult<std::string> convert(dns::Answer<std::string> answer) {
    DnsResult<std::string> out;
    out.status = status(answer.status);
    out.records = std::move(answer.records);
    return out;
  }

  std::shared_ptr<dns::Resolver> inner_;
  Clock::time_point deadline_;
};

}  // namespace postamt::mailauth
