// RelayGrants (POP-before-SMTP): off by default, window expiry, bounded size, only IP addresses.
#include "services/relay_grants.hpp"

#include <gtest/gtest.h>

#include <string>

namespace postamt::services {
namespace {

using namespace std::chrono_literals;
using Clock = RelayGrants::Clock;

TEST(RelayGrants, OffWhenTheWindowIsZero) {
  RelayGrants grants(0s);
  EXPECT_FALSE(grants.enabled());
  grants.grant("192.0.2.7");
  EXPECT_FALSE(grants.allowed("192.0.2.7"));
  EXPECT_EQ(grants.size(), 0u);
}

TEST(RelayGrants, AllowsWithinTheWindowOnly) {
  RelayGrants grants(30s);
  auto t0 = Clock::now();
  EXPECT_FALSE(grants.allowed("192.0.2.7", t0));
  grants.grant("192.0.2.7", t0);
  EXPECT_TRUE(grants.allowed("192.0.2.7", t0 + 29s));
  EXPECT_FALSE(grants.allowed("192.0.2.8", t0 + 1s));
  EXPECT_FALSE(grants.allowed("192.0.2.7", t0 + 30s));
}

TEST(RelayGrants, ALaterLoginExtendsTheWindow) {
  RelayGrants grants(30s);
  auto t0 = Clock::now();
  grants.grant("2001:db8::1", t0);
  grants.grant("2001:db8::1", t0 + 20s);
  EXPECT_TRUE(grants.allowed("2001:db8::1", t0 + 45s));
  EXPECT_FALSE(grants.allowed("2001:db8::1", t0 + 50s));
  EXPECT_EQ(grants.size(), 1u);
}

TEST(RelayGrants, IgnoresWhatIsNotAnAddress) {
  RelayGrants grants(30s);
  for (const char* bad : {"", "unix", "192.0.2.0/24", "host.example", "999.1.1.1"}) grants.grant(bad);
  EXPECT_EQ(grants.size(), 0u);
  EXPECT_FALSE(grants.allowed("unix"));
}

TEST(RelayGrants, StaysBoundedDroppingExpiredThenOldest) {
  RelayGrants grants(10s, 3);
  auto t0 = Clock::now();
  grants.grant("192.0.2.1", t0);
  grants.grant("192.0.2.2", t0 + 1s);
  grants.grant("192.0.2.3", t0 + 2s);
  // Full, none expired: the one closest to expiry goes.
  grants.grant("192.0.2.4", t0 + 3s);
  EXPECT_EQ(grants.size(), 3u);
  EXPECT_FALSE(grants.allowed("192.0.2.1", t0 + 3s));
  EXPECT_TRUE(grants.allowed("192.0.2.2", t0 + 3s));
  // Full again later: the expired ones are all pruned.
  grants.grant("192.0.2.5", t0 + 12500ms);
  EXPECT_EQ(grants.size(), 2u);  // .4 (expires at 13 s) and .5
  EXPECT_TRUE(grants.allowed("192.0.2.4", t0 + 12500ms));
  EXPECT_TRUE(grants.allowed("192.0.2.5", t0 + 12500ms));
}

}  // namespace
}  // namespace postamt::services
