// Password hashing and verification: argon2id round trips, and fixed vectors for every accepted
// scheme generated with `doveadm pw -s SCHEME -p secret` (Dovecot 2.3), Python crypt and openssl passwd.
#include "directory/password.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "directory/digest_scheme.hpp"

namespace postamt::directory {
namespace {

class PasswordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_ = hash_cost();
    set_hash_cost({1, 256, 1});  // cheap for tests; the default cost is checked separately
  }
  void TearDown() override { set_hash_cost(saved_); }
  HashCost saved_;
};

struct Vector {
  const char* stored;
  const char* password;
};

// doveadm pw -s SCHEME -p secret (and -p 'pässwörd' / -p '' where noted).
const Vector kDovecot[] = {
    {"{SHA512-CRYPT}$6$HWjh9joanfLtDA5e$ulF8ozW/9TBzmW7Kjyf5.uZVShRt1gsBXgP46eqjDM6TXDOCAazKL3MdEvDF3YVLA25P0jXez2On4ZBBUujVO/", "secret"},
    {"{SHA256-CRYPT}$5$EPuL1V2.jWuag5sS$dphZNkQ/v42Js95CPrcExC1JG8oOnnTWBG4dJaUneL4", "secret"},
    {"{BLF-CRYPT}$2y$05$GXtdu8hbaL0WcjWmUH8f4uN8EUUIy0zJZ2aIrox.yLKgREyRksKsG", "secret"},
    {"{CRYPT}$2y$05$Zsff7YNSjwe5Mpq0FVlhuOr5CyUYyLzJlguDOeUEWDVZflxlgVaia", "secret"},
    {"{MD5-CRYPT}$1$R5o/HSCI$dPVVuCF.TxI49143VXSd50", "secret"},
    {"{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$HbaY/ePPR2eQtiougdeeMw$txNP+jdPi7In1izegC9pPAy7U8MQR54F6pumpXkagW4", "secret"},
    {"{ARGON2I}$argon2i$v=19$m=32768,t=4,p=1$qZy2ypRLdr8vbTogugH4EQ$W0zBvtjVqmZSxwXV16mtoiyCbJEe3Swh1JcyPXSN+8g", "secret"},
    {"{PLAIN}secret", "secret"},
    {"{SSHA512}k2xOBwAEcHecakglGy808a1Y7g1fHLAF52lrCp4p+BjfXA4iZxNJCNdKRFu/3yacRMAvUtNw4UVnGHfgLDy4aTgoBeo=", "secret"},
    {"{SHA512}vSsar3708Jvp9Szi2NWZZ02Bqp1qRCFpbcTZPdBhnWgs5WtNZKnvCXdhztmeD2cmW192CF5bDufKRpayrW/isg==", "secret"},
    {"{SSHA256}N54dyUTw6VW5DXD5P0m+ZeGEdsui2D/wEYKLxtk5Z/U0LVjl", "secret"},
    {"{SHA256}K7gNU3sdo+OL0wNhqoVWhr3g6s1xYv72ol/pe/Unols=", "secret"},
    {"{SHA256.HEX}2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b", "secret"},
    {"{SSHA256.HEX}987771d71ee10c5a3b3c7a1559b402edcd0e64690d25917ad83d25e914704bba5ee885ef", "secret"},
    {"{SSHA}uPF8JsCI7Vk/JHWupyZt2vAgCccMwlnW", "secret"},
    {"{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=", "secret"},
    {"{SHA1}5en6G6MezRroT3XKqkdPOmY/BfQ=", "secret"},
    {"{SHA512-CRYPT}$6$dMk.91pDXuzeOPxO$jzifASriq6f9qUIcGZse2kI21ph7rjdtHHi1XF3D5D.DXZY0TLgMVqeZQDgix.xWKueBGBWcF3i3s5cT9uL80/", "pässwörd"},
    {"{SSHA512}Qv2FfqeXwL9IgI0gwTvEcSRifjrXbO/OY0iHU82FdPmW9H+4MdYGSR3/XixTC4if/fXauR17MHzau/EmrMR1IkvqToY=", "pässwörd"},
    {"{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$zkNS5OnWG1LtVgAB2e5vnw$t3BO15V85LeNeogOW4APo6aEsu3orJX2TUS8XUocFik", "pässwörd"},
    {"{SSHA512}hUuvQwncHFL2/p2V35TqyqRlJqVmpudNye/XHWRa5z0S8INFIbPTqyyM9MgLaHDAmwwhdp8LrNiIY/HSJtcbL/NqbDI=", ""},
};

// Bare crypt(3) / PHC strings (Python crypt.crypt with libxcrypt, openssl passwd -6/-5/-1).
const Vector kBare[] = {
    {"$y$j9T$F5Jx5fExrKuPp53xLKQ..1$GmcwIgvdUC9qLWcKCi6gklUa1dM3ziD43YxYNURLKy0", "secret"},
    {"$y$j9T$F5Jx5fExrKuPp53xLKQ..1$UAi3w.V1khOnmiQzfq00d7LaG6KfSe9MVbNef5kSs64", "pässwörd"},
    {"$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG.", "secret"},
    {"$5$abcdefgh$gruCpC7VkOTspMQTTSAR8mtlO9Upms.fwqE5y16JVM.", "secret"},
    {"$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1", "secret"},
    {"$2y$05$GXtdu8hbaL0WcjWmUH8f4uN8EUUIy0zJZ2aIrox.yLKgREyRksKsG", "secret"},
    {"$argon2id$v=19$m=65536,t=3,p=1$HbaY/ePPR2eQtiougdeeMw$txNP+jdPi7In1izegC9pPAy7U8MQR54F6pumpXkagW4", "secret"},
    {"$argon2i$v=19$m=32768,t=4,p=1$qZy2ypRLdr8vbTogugH4EQ$W0zBvtjVqmZSxwXV16mtoiyCbJEe3Swh1JcyPXSN+8g", "secret"},
    {"abNANd1rDfiNc", "secret"},
};

TEST_F(PasswordTest, DovecotVectorsVerify) {
  for (const auto& v : kDovecot) {
    EXPECT_TRUE(verify_password(v.password, v.stored)) << v.stored;
    EXPECT_FALSE(verify_password(std::string(v.password) + "x", v.stored)) << v.stored;
    EXPECT_FALSE(verify_password("Secret", v.stored)) << v.stored;
  }
}

TEST_F(PasswordTest, BareCryptVectorsVerify) {
  for (const auto& v : kBare) {
    EXPECT_TRUE(verify_password(v.password, v.stored)) << v.stored;
    EXPECT_FALSE(verify_password("secreT", v.stored)) << v.stored;
    EXPECT_FALSE(verify_password("", v.stored)) << v.stored;
  }
}

TEST_F(PasswordTest, SchemeNameIsCaseInsensitive) {
  EXPECT_TRUE(verify_password("secret", "{plain}secret"));
  EXPECT_TRUE(verify_password("secret", "{ssha256}N54dyUTw6VW5DXD5P0m+ZeGEdsui2D/wEYKLxtk5Z/U0LVjl"));
  EXPECT_TRUE(verify_password("secret", "{CLEARTEXT}secret"));
}

TEST_F(PasswordTest, SchemeMustMatchTheHashInside) {
  // A {SHA512-CRYPT} label on a $5$ hash, or {ARGON2I} on an argon2id hash, is refused.
  EXPECT_FALSE(verify_password("secret", "{SHA512-CRYPT}$5$EPuL1V2.jWuag5sS$dphZNkQ/v42Js95CPrcExC1JG8oOnnTWBG4dJaUneL4"));
  EXPECT_FALSE(verify_password(
      "secret", "{ARGON2I}$argon2id$v=19$m=65536,t=3,p=1$HbaY/ePPR2eQtiougdeeMw$txNP+jdPi7In1izegC9pPAy7U8MQR54F6pumpXkagW4"));
}

TEST_F(PasswordTest, MalformedStoredValuesAreFalseNotCrashes) {
  const char* bad[] = {"",
                       "{PLAIN",
                       "{UNKNOWN}secret",
                       "{SSHA512}!!!not-base64!!!",
                       "{SHA512}c2VjcmV0",  // base64 of "secret": wrong digest length
                       "{SHA256.HEX}2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25",  // odd hex
                       "{SHA256.ROT13}K7gNU3sdo+OL0wNhqoVWhr3g6s1xYv72ol/pe/Unols=",
                       "$6$",
                       "$6$abcdefgh$",
                       "$argon2id$v=19$m=65536,t=3,p=1$short",
                       "*",
                       "!",
                       "!$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG.",
                       "secret",
                       "{a-very-long-scheme-name-that-goes-on-and-on}secret"};
  for (const char* s : bad) EXPECT_FALSE(verify_password("secret", s)) << s;
  EXPECT_FALSE(verify_password("secret", std::string(2000, 'a')));
  EXPECT_FALSE(verify_password(std::string("sec\0ret", 7), "$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1"));
}

TEST_F(PasswordTest, HashRoundTrip) {
  for (const std::string& pw : std::vector<std::string>{"secret", "", "pässwörd", "with \"quotes\"", std::string(1000, 'x')}) {
    std::string h = hash_password(pw);
    EXPECT_EQ(h.rfind("$argon2id$v=19$m=256,t=1,p=1$", 0), 0u) << h;
    EXPECT_TRUE(verify_password(pw, h));
    EXPECT_TRUE(verify_password(pw, "{ARGON2ID}" + h));
    EXPECT_FALSE(verify_password(pw + "!", h));
  }
  EXPECT_NE(hash_password("secret"), hash_password("secret"));  // random salt
  EXPECT_THROW(hash_password(std::string(5000, 'x')), std::invalid_argument);
}

TEST_F(PasswordTest, DefaultCostIsOwaspArgon2id) {
  set_hash_cost(HashCost{});
  std::string h = hash_password("secret");
  EXPECT_EQ(h.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << h;
  EXPECT_TRUE(verify_password("secret", h));
  EXPECT_FALSE(needs_rehash(h));
  EXPECT_TRUE(needs_rehash("{SHA512-CRYPT}$6$HWjh9joanfLtDA5e$x"));
  set_hash_cost({1, 256, 1});
  EXPECT_TRUE(needs_rehash(h));
}

TEST_F(PasswordTest, GeneratedPasswords) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string p = generate_password();
    ASSERT_EQ(p.size(), 20u);
    for (char c : p) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      EXPECT_TRUE(ok) << p;
    }
    EXPECT_NE(p.front(), '-');
    EXPECT_NE(p.front(), '_');
    seen.insert(p);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST(Encoding, Base64AndHex) {
  EXPECT_EQ(decode_base64("c2VjcmV0"), "secret");
  EXPECT_EQ(decode_base64("c2VjcmV0MQ=="), "secret1");
  EXPECT_EQ(decode_base64("c2VjcmV0MQ"), "secret1");
  EXPECT_EQ(decode_base64(""), "");
  EXPECT_FALSE(decode_base64("c2V$"));
  EXPECT_FALSE(decode_base64("c"));
  EXPECT_EQ(decode_hex("00ff7A"), std::string("\x00\xff\x7a", 3));
  EXPECT_FALSE(decode_hex("0"));
  EXPECT_FALSE(decode_hex("zz"));
}

TEST(ConstantTime, Equality) {
  EXPECT_TRUE(constant_time_equals("abc", "abc"));
  EXPECT_FALSE(constant_time_equals("abc", "abd"));
  EXPECT_FALSE(constant_time_equals("abc", "abcd"));
  EXPECT_TRUE(constant_time_equals("", ""));
}

}  // namespace
}  // namespace postamt::directory
