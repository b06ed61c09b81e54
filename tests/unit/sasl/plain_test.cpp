// Tests for the PLAIN mechanism (RFC 4616 §2): message structure, authzid rules, limits.
#include "sasl/plain.hpp"

#include <gtest/gtest.h>

#include "fake_store.hpp"
#include "sasl/mechanism.hpp"

namespace postamt::sasl {
namespace {

using State = Step::State;
using namespace std::string_literals;

class PlainTest : public ::testing::Test {
 protected:
  void SetUp() override { store.add("alice@example.org", "secret pw"); }
  Step run(std::string_view message) {
    Plain m(store);
    auto s = m.start(message);
    authcid = m.authcid();
    authzid = m.authzid();
    return s;
  }
  test::FakeStore store;
  std::string authcid, authzid;
};

TEST_F(PlainTest, SucceedsWithEmptyAuthzid) {
  auto s = run("\0alice@example.org\0secret pw"s);
  EXPECT_EQ(s.state, State::Success) << s.error;
  EXPECT_TRUE(s.challenge.empty());
  EXPECT_EQ(authcid, "alice@example.org");
  EXPECT_EQ(authzid, "alice@example.org");
}

TEST_F(PlainTest, SucceedsWithAuthzidEqualToAuthcid) {
  auto s = run("alice@example.org\0alice@example.org\0secret pw"s);
  EXPECT_EQ(s.state, State::Success) << s.error;
  s = run("Alice@Example.org\0alice@example.org\0secret pw"s);
  EXPECT_EQ(s.state, State::Success) << s.error;
}

TEST_F(PlainTest, RefusesOtherAuthzidWithoutCheckingPassword) {
  auto s = run("bob@example.org\0alice@example.org\0secret pw"s);
  EXPECT_EQ(s.state, State::Failure);
  EXPECT_NE(s.error.find("authorization identity"), std::string::npos);
  EXPECT_EQ(store.plain_calls, 0);
}

TEST_F(PlainTest, WrongPasswordFails) {
  auto s = run("\0alice@example.org\0secret PW"s);
  EXPECT_EQ(s.state, State::Failure);
  EXPECT_EQ(s.error.find("secret"), std::string::npos) << "error must not echo the password";
  EXPECT_EQ(store.plain_calls, 1);
  EXPECT_EQ(run("\0mallory@example.org\0secret pw"s).state, State::Failure);
}

TEST_F(PlainTest, MalformedMessagesFailWithoutLookup) {
  const std::string bad[] = {
      "",                                          // nothing
      "alice@example.org secret pw",               // no NUL
      "alice@example.org\0secret pw"s,             // one NUL
      "\0alice@example.org\0secret\0pw"s,          // three NULs
      "\0\0alice@example.org\0secret pw"s,         // three NULs, empty authcid
      "\0alice@example.org\0"s,                    // empty password
      "\0\0secret pw"s,                            // empty authcid
      "\0alice@example.org\0secret \xFF pw"s,      // invalid UTF-8 password
      "\0ali\xC0\xAF" "ce@example.org\0secret pw"s,  // overlong UTF-8 in authcid
      "\0"s + std::string(2000, 'a') + "\0pw"s,    // authcid over the identity limit
      "\0alice@example.org\0"s + std::string(kMaxResponse, 'p'),  // over the input limit
  };
  for (const auto& m : bad) {
    auto s = run(m);
    EXPECT_EQ(s.state, State::Failure) << "input size " << m.size();
    EXPECT_FALSE(s.error.empty());
  }
  EXPECT_EQ(store.plain_calls, 0);
}

TEST_F(PlainTest, AcceptsUtf8AndMaximalFields) {
  std::string user(255, 'u');
  std::string pw = "p\xC3\xA4ss\xE2\x82\xAC" + std::string(240, 'x');
  store.add(user, pw);
  EXPECT_EQ(run("\0"s + user + "\0"s + pw).state, State::Success);
}

TEST_F(PlainTest, WithoutInitialResponseSendsEmptyChallenge) {
  Plain m(store);
  auto s = m.start(std::nullopt);
  EXPECT_EQ(s.state, State::Continue);
  EXPECT_TRUE(s.challenge.empty());
  s = m.step("\0alice@example.org\0secret pw"s);
  EXPECT_EQ(s.state, State::Success) << s.error;
  // The exchange is over: anything further fails.
  EXPECT_EQ(m.step("\0alice@example.org\0secret pw"s).state, State::Failure);
}

TEST_F(PlainTest, EmptyInitialResponseFails) {
  Plain m(store);
  EXPECT_EQ(m.start(std::string_view{}).state, State::Failure);
}

TEST_F(PlainTest, StepBeforeStartFails) {
  Plain m(store);
  EXPECT_EQ(m.step("\0alice@example.org\0secret pw"s).state, State::Failure);
  EXPECT_EQ(store.plain_calls, 0);
}

}  // namespace
}  // namespace postamt::sasl
