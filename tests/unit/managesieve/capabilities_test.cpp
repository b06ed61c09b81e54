// The ManageSieve capability list (RFC 5804 §1.7): no SASL mechanism before TLS, STARTTLS only while
// usable, OWNER only after authentication, SIEVE from the Sieve registry.
#include <gtest/gtest.h>

#include "managesieve/capabilities.hpp"
#include "sieve/sieve.hpp"

namespace postamt::managesieve {
namespace {

TEST(Capabilities, BeforeTls) {
  CapabilityContext c;
  c.can_start_tls = true;
  std::string caps = capability_lines(c);
  EXPECT_NE(caps.find("\"IMPLEMENTATION\" \"postamt\"\r\n"), std::string::npos) << caps;
  EXPECT_NE(caps.find("\"SASL\" \"\"\r\n"), std::string::npos) << caps;
  EXPECT_NE(caps.find("\"STARTTLS\"\r\n"), std::string::npos) << caps;
  EXPECT_NE(caps.find("\"VERSION\" \"1.0\"\r\n"), std::string::npos) << caps;
  EXPECT_NE(caps.find("\"MAXREDIRECTS\" \"" + std::to_string(sieve::ExecuteLimits{}.max_redirects) + "\"\r\n"),
            std::string::npos);
  EXPECT_EQ(caps.find("OWNER"), std::string::npos);
  EXPECT_EQ(caps.find("NOTIFY"), std::string::npos);  // no enotify in the Sieve module
  EXPECT_EQ(caps.find("PLAIN"), std::string::npos);
}

TEST(Capabilities, AfterTlsAndAuthentication) {
  CapabilityContext c;
  c.tls_active = true;
  c.can_start_tls = false;
  std::string caps = capability_lines(c);
  EXPECT_NE(caps.find("\"SASL\" \"SCRAM-SHA-256 PLAIN"), std::string::npos) << caps;
  EXPECT_EQ(caps.find("STARTTLS"), std::string::npos);
  c.owner = "demo@example.test";
  caps = capability_lines(c);
  EXPECT_NE(caps.find("\"OWNER\" \"demo@example.test\"\r\n"), std::string::npos) << caps;
}

TEST(Capabilities, SieveListComesFromTheRegistry) {
  std::string list = sieve_extensions();
  std::string expected;
  for (const auto& e : sieve::supported_extensions()) expected += (expected.empty() ? "" : " ") + e;
  EXPECT_EQ(list, expected);
  EXPECT_NE((" " + list + " ").find(" fileinto "), std::string::npos) << list;
  EXPECT_NE(capability_lines({}).find("\"SIEVE\" \"" + list + "\"\r\n"), std::string::npos);
}

}  // namespace
}  // namespace postamt::managesieve
