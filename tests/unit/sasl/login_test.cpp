// Tests for the LOGIN mechanism (draft-murchison-sasl-login): challenge sequence and failures.
#include "sasl/login.hpp"

#include <gtest/gtest.h>

#include "fake_store.hpp"

namespace postamt::sasl {
namespace {

using State = Step::State;
using namespace std::string_literals;

class LoginTest : public ::testing::Test {
 protected:
  void SetUp() override { store.add("alice@example.org", "secret pw"); }
  test::FakeStore store;
};

TEST_F(LoginTest, FullFlow) {
  Login m(store);
  auto s = m.start(std::nullopt);
  EXPECT_EQ(s.state, State::Continue);
  EXPECT_EQ(s.challenge, "Username:");
  s = m.step("alice@example.org");
  EXPECT_EQ(s.state, State::Continue);
  EXPECT_EQ(s.challenge, "Password:");
  s = m.step("secret pw");
  EXPECT_EQ(s.state, State::Success) << s.error;
  EXPECT_EQ(m.authcid(), "alice@example.org");
  EXPECT_EQ(m.authzid(), "alice@example.org");
  EXPECT_EQ(m.step("again").state, State::Failure);
}

TEST_F(LoginTest, InitialResponseIsTheUserName) {
  Login m(store);
  auto s = m.start("alice@example.org");
  EXPECT_EQ(s.state, State::Continue);
  EXPECT_EQ(s.challenge, "Password:");
  EXPECT_EQ(m.step("secret pw").state, State::Success);
}

TEST_F(LoginTest, EmptyInitialResponseAsksForUserName) {
  Login m(store);
  auto s = m.start(std::string_view{});
  EXPECT_EQ(s.state, State::Continue);
  EXPECT_EQ(s.challenge, "Username:");
}

TEST_F(LoginTest, WrongPasswordAndUnknownUserFail) {
  Login m(store);
  m.start(std::nullopt);
  m.step("alice@example.org");
  auto s = m.step("wrong");
  EXPECT_EQ(s.state, State::Failure);
  EXPECT_EQ(s.error.find("wrong"), std::string::npos);

  Login u(store);
  u.start("nobody@example.org");
  EXPECT_EQ(u.step("secret pw").state, State::Failure);
}

TEST_F(LoginTest, MalformedInputFails) {
  {
    Login m(store);
    m.start(std::nullopt);
    EXPECT_EQ(m.step("").state, State::Failure);  // empty user name
  }
  {
    Login m(store);
    m.start("alice@example.org");
    EXPECT_EQ(m.step("").state, State::Failure);  // empty password
  }
  {
    Login m(store);
    EXPECT_EQ(m.start("ali\0ce"s).state, State::Failure);  // NUL in the name
  }
  {
    Login m(store);
    m.start("alice@example.org");
    EXPECT_EQ(m.step("secret\xFE pw").state, State::Failure);  // not UTF-8
  }
  {
    Login m(store);
    m.start("alice@example.org");
    EXPECT_EQ(m.step(std::string(kMaxResponse + 1, 'x')).state, State::Failure);
  }
  {
    Login m(store);
    EXPECT_EQ(m.start(std::string(5000, 'u')).state, State::Failure);
  }
  EXPECT_EQ(store.plain_calls, 0);
}

}  // namespace
}  // namespace postamt::sasl
