// RFC 5321 §5.1 MX ordering, implicit MX, RFC 7505 null MX, address literals, over a fake Resolver.
#include "dns/mx.hpp"

#include <gtest/gtest.h>

#include <map>

namespace postamt::dns {
namespace {

class FakeResolver : public Resolver {
 public:
  std::map<std::string, Answer<Mx>> mxs;
  std::map<std::string, Answer<std::string>> as, aaaas;
  int queries = 0;
  Answer<Mx> mx(std::string_view n) override { return get(mxs, n); }
  Answer<std::string> a(std::string_view n) override { return get(as, n); }
  Answer<std::string> aaaa(std::string_view n) override { return get(aaaas, n); }
  Answer<std::string> txt(std::string_view) override { return {}; }

 private:
  template <class T>
  Answer<T> get(const std::map<std::string, Answer<T>>& m, std::string_view n) {
    ++queries;
    auto it = m.find(std::string(n));
    if (it == m.end()) return Answer<T>{Status::NxDomain, {}, "nxdomain"};
    return it->second;
  }
};

Answer<std::string> addr(std::vector<std::string> v) { return {Status::Ok, std::move(v), ""}; }
Answer<std::string> nodata() { return {Status::NoData, {}, ""}; }

RouteOptions fixed() {
  RouteOptions o;
  o.shuffle = [](std::vector<Target>&) {};
  return o;
}

TEST(Mx, SortsByPreference) {
  FakeResolver r;
  r.mxs["example.test"] = {Status::Ok, {{20, "b.example.test"}, {10, "a.example.test"}, {30, "c.example.test"}}, ""};
  r.as["a.example.test"] = addr({"192.0.2.1"});
  r.aaaas["a.example.test"] = addr({"2001:db8::1"});
  r.as["b.example.test"] = addr({"192.0.2.2"});
  r.aaaas["b.example.test"] = nodata();
  r.as["c.example.test"] = addr({"192.0.2.3"});
  r.aaaas["c.example.test"] = nodata();
  auto route = route_domain(r, "Example.TEST", fixed());
  ASSERT_EQ(route.kind, Route::Kind::Ok);
  ASSERT_EQ(route.targets.size(), 3u);
  EXPECT_EQ(route.targets[0].host, "a.example.test");
  EXPECT_EQ(route.targets[0].addresses, (std::vector<std::string>{"192.0.2.1", "2001:db8::1"}));
  EXPECT_EQ(route.targets[1].host, "b.example.test");
  EXPECT_EQ(route.targets[2].host, "c.example.test");
}

TEST(Mx, EqualPreferencesAreShuffledOnlyAmongThemselves) {
  FakeResolver r;
  r.mxs["x.test"] = {Status::Ok, {{10, "a.x.test"}, {10, "b.x.test"}, {5, "first.x.test"}}, ""};
  for (auto h : {"a.x.test", "b.x.test", "first.x.test"}) {
    r.as[h] = addr({"192.0.2.9"});
    r.aaaas[h] = nodata();
  }
  for (int i = 0; i < 20; ++i) {
    auto route = route_domain(r, "x.test");
    ASSERT_EQ(route.targets.size(), 3u);
    EXPECT_EQ(route.targets[0].host, "first.x.test");
    EXPECT_EQ(route.targets[1].preference, 10);
  }
}

TEST(Mx, NoMxFallsBackToTheDomainsAddress) {
  FakeResolver r;
  r.mxs["plain.test"] = {Status::NoData, {}, ""};
  r.as["plain.test"] = addr({"192.0.2.7"});
  r.aaaas["plain.test"] = nodata();
  auto route = route_domain(r, "plain.test", fixed());
  ASSERT_EQ(route.kind, Route::Kind::Ok);
  ASSERT_EQ(route.targets.size(), 1u);
  EXPECT_EQ(route.targets[0].host, "plain.test");
  EXPECT_EQ(route.targets[0].addresses.front(), "192.0.2.7");
}

TEST(Mx, NullMxIsPermanent) {
  FakeResolver r;
  r.mxs["nomail.test"] = {Status::Ok, {{0, ""}}, ""};
  auto route = route_domain(r, "nomail.test", fixed());
  EXPECT_EQ(route.kind, Route::Kind::NullMx);
  EXPECT_EQ(r.queries, 1);  // no address lookups for a null MX
}

TEST(Mx, NullMxAmongOthersIsIgnored) {
  FakeResolver r;
  r.mxs["mixed.test"] = {Status::Ok, {{0, ""}, {10, "mx.mixed.test"}}, ""};
  r.as["mx.mixed.test"] = addr({"192.0.2.4"});
  r.aaaas["mx.mixed.test"] = nodata();
  auto route = route_domain(r, "mixed.test", fixed());
  ASSERT_EQ(route.kind, Route::Kind::Ok);
  EXPECT_EQ(route.targets.size(), 1u);
}

TEST(Mx, NxDomainIsPermanentServfailTemporary) {
  FakeResolver r;
  EXPECT_EQ(route_domain(r, "missing.test", fixed()).kind, Route::Kind::NoDomain);
  r.mxs["broken.test"] = {Status::TempFail, {}, "timeout"};
  auto route = route_domain(r, "broken.test", fixed());
  EXPECT_EQ(route.kind, Route::Kind::TempFail);
  EXPECT_NE(route.error.find("timeout"), std::string::npos);
}

TEST(Mx, HostsWithoutAddressesAreSkipped) {
  FakeResolver r;
  r.mxs["d.test"] = {Status::Ok, {{10, "gone.d.test"}, {20, "ok.d.test"}}, ""};
  r.as["ok.d.test"] = addr({"192.0.2.5"});
  r.aaaas["ok.d.test"] = nodata();
  auto route = route_domain(r, "d.test", fixed());
  ASSERT_EQ(route.kind, Route::Kind::Ok);
  ASSERT_EQ(route.targets.size(), 1u);
  EXPECT_EQ(route.targets[0].host, "ok.d.test");
}

TEST(Mx, AddressLessMxWithTemporaryFailureIsTemporary) {
  FakeResolver r;
  r.mxs["t.test"] = {Status::Ok, {{10, "mx.t.test"}}, ""};
  r.as["mx.t.test"] = {Status::TempFail, {}, "timeout"};
  r.aaaas["mx.t.test"] = nodata();
  EXPECT_EQ(route_domain(r, "t.test", fixed()).kind, Route::Kind::TempFail);
  r.as["mx.t.test"] = nodata();
  EXPECT_EQ(route_domain(r, "t.test", fixed()).kind, Route::Kind::NoDomain);
}

TEST(Mx, AddressLiterals) {
  FakeResolver r;
  auto route = route_domain(r, "[192.0.2.44]", fixed());
  ASSERT_EQ(route.kind, Route::Kind::Ok);
  EXPECT_EQ(route.targets[0].addresses.front(), "192.0.2.44");
  auto v6 = route_domain(r, "[IPv6:2001:db8::5]", fixed());
  ASSERT_EQ(v6.kind, Route::Kind::Ok);
  EXPECT_EQ(v6.targets[0].addresses.front(), "2001:db8::5");
  EXPECT_EQ(route_domain(r, "[999.1.1.1]", fixed()).kind, Route::Kind::PermFail);
  EXPECT_EQ(r.queries, 0);
}

TEST(Mx, MalformedDomains) {
  FakeResolver r;
  EXPECT_EQ(route_domain(r, "", fixed()).kind, Route::Kind::PermFail);
  EXPECT_EQ(route_domain(r, "a b.test", fixed()).kind, Route::Kind::PermFail);
  EXPECT_EQ(route_domain(r, std::string(300, 'a'), fixed()).kind, Route::Kind::PermFail);
}

TEST(Mx, MaxHostsBoundsTheList) {
  FakeResolver r;
  Answer<Mx> many{Status::Ok, {}, ""};
  for (int i = 0; i < 50; ++i) {
    std::string h = "mx" + std::to_string(i) + ".big.test";
    many.records.push_back({static_cast<std::uint16_t>(i), h});
    r.as[h] = addr({"192.0.2.1"});
    r.aaaas[h] = nodata();
  }
  r.mxs["big.test"] = many;
  auto route = route_domain(r, "big.test", fixed());
  EXPECT_EQ(route.targets.size(), 10u);
}

}  // namespace
}  // namespace postamt::dns
