// Tests for the SCRAM-SHA-256 server mechanism: the RFC 7677 §3 exchange, a client implementation
// built from RFC 5802 §3 to drive round trips, wrong passwords, unknown users and malformed input.
#include "sasl/scram_sha256.hpp"

#include <gtest/gtest.h>

#include "fake_store.hpp"
#include "sasl/base64.hpp"
#include "sasl/crypto.hpp"
#include "sasl/scram_secret.hpp"

namespace postamt::sasl {
namespace {

using State = Step::State;
using namespace std::string_literals;

// RFC 7677 §3.
constexpr std::string_view kClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view kServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr std::string_view kServerFirst =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr std::string_view kClientFinal =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr std::string_view kServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

// Client side of RFC 5802 §3: the client-final-message for `server_first`.
std::string client_final(std::string_view password, std::string_view gs2_header, std::string_view client_first_bare,
                         std::string_view server_first, std::string_view extra = {}) {
  // server-first: r=<nonce>,s=<salt>,i=<iter>
  auto r_end = server_first.find(',');
  std::string nonce(server_first.substr(2, r_end - 2));
  auto s_end = server_first.find(',', r_end + 1);
  std::string salt = *base64_decode(server_first.substr(r_end + 3, s_end - r_end - 3));
  auto iter = static_cast<std::uint32_t>(std::stoul(std::string(server_first.substr(s_end + 3))));
  std::string salted = crypto::pbkdf2_sha256(password, salt, iter);
  std::string client_key = crypto::hmac_sha256(salted, "Client Key");
  std::string stored_key = crypto::sha256(client_key);
  std::string without_proof = "c=" + base64_encode(gs2_header) + ",r=" + nonce + std::string(extra);
  std::string auth = std::string(client_first_bare) + "," + std::string(server_first) + "," + without_proof;
  std::string sig = crypto::hmac_sha256(stored_key, auth);
  for (std::size_t i = 0; i < sig.size(); ++i) sig[i] = static_cast<char>(sig[i] ^ client_key[i]);
  return without_proof + ",p=" + base64_encode(sig);
}

class ScramTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store.add("user", "pencil", true, *base64_decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
    store.add("alice@example.org", "correct horse", true, "saltsaltsaltsalt", 4096);
    store.add("noscram@example.org", "pw", false);
  }
  // Sends gs2 header + client-first-message-bare as the initial response.
  Step first(ScramSha256& m, std::string_view gs2, std::string_view bare) {
    return m.start(std::string(gs2) + std::string(bare));
  }
  test::FakeStore store;
};

TEST_F(ScramTest, Rfc7677TestVector) {
  ScramSha256 m(store, std::string(kServerNonce));
  auto s = m.start(kClientFirst);
  ASSERT_EQ(s.state, State::Continue) << s.error;
  EXPECT_EQ(s.challenge, kServerFirst);
  s = m.step(kClientFinal);
  ASSERT_EQ(s.state, State::Success) << s.error;
  EXPECT_EQ(s.challenge, kServerFinal);
  EXPECT_EQ(m.authcid(), "user");
  EXPECT_EQ(m.authzid(), "user");
  EXPECT_EQ(m.step("").state, State::Failure);
}

TEST_F(ScramTest, Rfc7677WithoutInitialResponse) {
  ScramSha256 m(store, std::string(kServerNonce));
  auto s = m.start(std::nullopt);
  EXPECT_EQ(s.state, State::Continue);
  EXPECT_TRUE(s.challenge.empty());
  s = m.step(kClientFirst);
  EXPECT_EQ(s.challenge, kServerFirst);
  EXPECT_EQ(m.step(kClientFinal).state, State::Success);
}

TEST_F(ScramTest, RandomServerNonceRoundTrip) {
  ScramSha256 a(store), b(store);
  std::string bare = "n=alice@example.org,r=clientnonce123";
  auto sa = first(a, "n,,", bare);
  auto sb = first(b, "n,,", bare);
  ASSERT_EQ(sa.state, State::Continue) << sa.error;
  EXPECT_TRUE(sa.challenge.starts_with("r=clientnonce123"));
  EXPECT_NE(sa.challenge, sb.challenge) << "server nonces must differ";
  auto f = a.step(client_final("correct horse", "n,,", bare, sa.challenge));
  ASSERT_EQ(f.state, State::Success) << f.error;
  EXPECT_TRUE(f.challenge.starts_with("v="));
}

TEST_F(ScramTest, WrongPasswordFails) {
  ScramSha256 m(store);
  std::string bare = "n=alice@example.org,r=abc";
  auto s = first(m, "n,,", bare);
  ASSERT_EQ(s.state, State::Continue);
  auto f = m.step(client_final("wrong horse", "n,,", bare, s.challenge));
  EXPECT_EQ(f.state, State::Failure);
  EXPECT_TRUE(f.challenge.empty());
  EXPECT_NE(f.error.find("invalid proof"), std::string::npos);
}

TEST_F(ScramTest, UnknownUserRunsAFakeExchange) {
  for (const char* user : {"nobody@example.org", "noscram@example.org"}) {
    ScramSha256 m(store), again(store);
    std::string bare = "n="s + user + ",r=abc";
    auto s = first(m, "n,,", bare);
    ASSERT_EQ(s.state, State::Continue) << s.error;
    EXPECT_NE(s.challenge.find(",s="), std::string::npos);
    EXPECT_TRUE(s.challenge.ends_with(",i=4096"));
    // The made-up salt is stable per name, like a real account's.
    auto s2 = first(again, "n,,", bare);
    EXPECT_EQ(s.challenge.substr(s.challenge.find(",s=")), s2.challenge.substr(s2.challenge.find(",s=")));
    auto f = m.step(client_final("pw", "n,,", bare, s.challenge));
    EXPECT_EQ(f.state, State::Failure);
    EXPECT_NE(f.error.find("unknown user"), std::string::npos);
  }
  // Different unknown names get different salts.
  ScramSha256 x(store), y(store);
  auto sx = first(x, "n,,", "n=x@example.org,r=abc");
  auto sy = first(y, "n,,", "n=y@example.org,r=abc");
  EXPECT_NE(sx.challenge.substr(sx.challenge.find(",s=")), sy.challenge.substr(sy.challenge.find(",s=")));
}

TEST_F(ScramTest, YFlagAcceptedPFlagRefused) {
  ScramSha256 m(store);
  std::string bare = "n=alice@example.org,r=abc";
  auto s = first(m, "y,,", bare);
  ASSERT_EQ(s.state, State::Continue) << s.error;
  EXPECT_EQ(m.step(client_final("correct horse", "y,,", bare, s.challenge)).state, State::Success);

  ScramSha256 p(store);
  auto sp = first(p, "p=tls-unique,,", bare);
  EXPECT_EQ(sp.state, State::Failure);
  EXPECT_NE(sp.error.find("channel binding"), std::string::npos);
  EXPECT_EQ(store.scram_calls, 1);
}

TEST_F(ScramTest, ChannelBindingDataMustMatchGs2Header) {
  ScramSha256 m(store);
  std::string bare = "n=alice@example.org,r=abc";
  auto s = first(m, "n,,", bare);
  // The client claims "y" in c= after sending "n" first: a downgrade the server must catch.
  auto f = m.step(client_final("correct horse", "y,,", bare, s.challenge));
  EXPECT_EQ(f.state, State::Failure);
}

TEST_F(ScramTest, AuthzidRules) {
  std::string bare = "n=alice@example.org,r=abc";
  ScramSha256 same(store);
  auto s = first(same, "n,a=alice@example.org,", bare);
  ASSERT_EQ(s.state, State::Continue) << s.error;
  EXPECT_EQ(same.step(client_final("correct horse", "n,a=alice@example.org,", bare, s.challenge)).state,
            State::Success);
  EXPECT_EQ(same.authzid(), "alice@example.org");

  ScramSha256 other(store);
  EXPECT_EQ(first(other, "n,a=bob@example.org,", bare).state, State::Failure);
}

TEST_F(ScramTest, UsernameEscapes) {
  store.add("a,b=c", "pw");
  ScramSha256 m(store);
  std::string bare = "n=a=2Cb=3Dc,r=abc";
  auto s = first(m, "n,,", bare);
  ASSERT_EQ(s.state, State::Continue) << s.error;
  EXPECT_EQ(m.step(client_final("pw", "n,,", bare, s.challenge)).state, State::Success);
  EXPECT_EQ(m.authcid(), "a,b=c");

  for (const char* bad : {"n=a=2cb,r=abc", "n=a=,r=abc", "n=a=4F,r=abc", "n=,r=abc"}) {
    ScramSha256 b(store);
    EXPECT_EQ(first(b, "n,,", bad).state, State::Failure) << bad;
  }
}

TEST_F(ScramTest, ExtensionsIgnoredMandatoryRefused) {
  std::string bare = "n=alice@example.org,r=abc,x=ext";
  ScramSha256 m(store);
  auto s = first(m, "n,,", bare);
  ASSERT_EQ(s.state, State::Continue) << s.error;
  EXPECT_EQ(m.step(client_final("correct horse", "n,,", bare, s.challenge, ",y=ext")).state, State::Success);

  ScramSha256 mext(store);
  EXPECT_EQ(first(mext, "n,,", "m=foo,n=alice@example.org,r=abc").state, State::Failure);
}

TEST_F(ScramTest, MalformedClientFirstFails) {
  const std::string bad[] = {
      "",  // sent as a response to the empty challenge
      "garbage",
      "n,,",
      "n,",
      "x,,n=user,r=abc",
      "n,,r=abc,n=user",
      "n,,n=user",
      "n,,n=user,r=",
      "n,,n=user,r=a b",
      "n,b=x,n=user,r=abc",
      "n,,n=us\0er,r=abc"s,
      "n,,n=us\xFF" "er,r=abc",
      "n,,n=user,r=abc,1=x",
      "n,,n=user,r=abc,"s + std::string(kMaxResponse, 'x'),
  };
  for (const auto& msg : bad) {
    ScramSha256 m(store);
    ASSERT_EQ(m.start(std::nullopt).state, State::Continue);
    auto s = m.step(msg);
    EXPECT_EQ(s.state, State::Failure) << msg;
    EXPECT_TRUE(s.challenge.empty());
  }
  EXPECT_EQ(store.scram_calls, 0);
}

TEST_F(ScramTest, MalformedClientFinalFails) {
  std::string good_final(kClientFinal);
  const std::string bad[] = {
      "",
      "garbage",
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",                       // no proof
      "c=biws,r=rOprNGfwEbeRWgbNEkqO,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",       // nonce mismatch
      "c=eSws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN",      // short proof
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=!!!!",                 // bad base64
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,c=biws,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=,x=1",
      good_final.substr(0, good_final.size() - 3) + "AAA=",  // altered proof
      good_final + std::string(kMaxResponse, 'A'),
  };
  for (const auto& msg : bad) {
    ScramSha256 m(store, std::string(kServerNonce));
    ASSERT_EQ(m.start(kClientFirst).state, State::Continue);
    auto s = m.step(msg);
    EXPECT_EQ(s.state, State::Failure) << msg.substr(0, 120);
    EXPECT_TRUE(s.challenge.empty());
  }
}

TEST_F(ScramTest, RandomGarbageNeverCrashes) {
  std::string bytes = crypto::random_bytes(4096);
  for (std::size_t i = 0; i + 64 <= bytes.size(); i += 64) {
    ScramSha256 m(store);
    auto s = m.start(std::string_view(bytes).substr(i, 64));
    EXPECT_EQ(s.state, State::Failure);
    ScramSha256 m2(store, std::string(kServerNonce));
    m2.start(kClientFirst);
    EXPECT_EQ(m2.step(std::string_view(bytes).substr(i, 64)).state, State::Failure);
  }
}

TEST_F(ScramTest, TestHookRejectsNonPrintableNonce) {
  EXPECT_THROW(ScramSha256(store, "a,b"), std::invalid_argument);
  EXPECT_THROW(ScramSha256(store, "a b"), std::invalid_argument);
}

TEST_F(ScramTest, StoreWithBrokenSecretBehavesLikeUnknownUser) {
  ScramCredentials broken = derive_scram_sha256("pw", "salt");
  broken.stored_key.resize(5);
  store.set_scram("broken@example.org", broken);
  ScramSha256 m(store);
  std::string bare = "n=broken@example.org,r=abc";
  auto s = first(m, "n,,", bare);
  ASSERT_EQ(s.state, State::Continue);
  EXPECT_EQ(m.step(client_final("pw", "n,,", bare, s.challenge)).state, State::Failure);
}

}  // namespace
}  // namespace postamt::sasl
