// Tests for mechanism creation by name and the advertised list (plaintext only under TLS).
#include "sasl/mechanism.hpp"

#include <gtest/gtest.h>

#include "fake_store.hpp"

namespace postamt::sasl {
namespace {

TEST(Mechanisms, AdvertisedListDependsOnTls) {
  EXPECT_EQ(mechanisms(false), (std::vector<std::string>{"SCRAM-SHA-256"}));
  EXPECT_EQ(mechanisms(true), (std::vector<std::string>{"SCRAM-SHA-256", "PLAIN", "LOGIN"}));
  for (const auto& name : mechanisms(false)) EXPECT_FALSE(is_plaintext(name));
  EXPECT_TRUE(is_plaintext("plain"));
  EXPECT_TRUE(is_plaintext("Login"));
}

TEST(Mechanisms, CreateByNameCaseInsensitive) {
  test::FakeStore store;
  for (const char* n : {"PLAIN", "plain", "LOGIN", "login", "SCRAM-SHA-256", "scram-sha-256"}) {
    auto m = create(n, store);
    ASSERT_NE(m, nullptr) << n;
    EXPECT_TRUE(m->name().size() > 0);
  }
  EXPECT_EQ(create("PLAIN", store)->name(), "PLAIN");
  EXPECT_EQ(create("scram-sha-256", store)->name(), "SCRAM-SHA-256");
  for (const char* n : {"", "CRAM-MD5", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-1", "PLAIN ", "GSSAPI"})
    EXPECT_EQ(create(n, store), nullptr) << n;
}

TEST(Mechanisms, CreatedPlainWorksThroughTheInterface) {
  test::FakeStore store;
  store.add("u@example.org", "pw", false);
  auto m = create("plain", store);
  using namespace std::string_literals;
  auto s = m->start("\0u@example.org\0pw"s);
  EXPECT_EQ(s.state, Step::State::Success) << s.error;
  EXPECT_EQ(m->authcid(), "u@example.org");
}

}  // namespace
}  // namespace postamt::sasl
