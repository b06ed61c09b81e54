// Tests for the strict base64 codec (RFC 4648 §10 test vectors and rejection of non-canonical input).
#include "sasl/base64.hpp"

#include <gtest/gtest.h>

namespace postamt::sasl {
namespace {

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    auto d = base64_decode(encoded);
    ASSERT_TRUE(d.has_value()) << encoded;
    EXPECT_EQ(*d, plain);
  }
}

TEST(Base64, BinaryRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t n = 0; n <= all.size(); n += 37) {
    auto s = all.substr(0, n);
    EXPECT_EQ(base64_decode(base64_encode(s)), s);
  }
  EXPECT_EQ(base64_encode(std::string("\0user\0pencil", 12)), "AHVzZXIAcGVuY2ls");
}

TEST(Base64, RejectsGarbage) {
  for (const char* bad : {"Zg", "Zg=", "Z===", "====", "Zg==Zg==", "Zm9v YmFy", "Zm9v\r\n", "Zm9-", "Zm9_",
                          "Zh==", "Zm9=", "Zm=v", "*", "=Zm9"}) {
    EXPECT_FALSE(base64_decode(bad).has_value()) << bad;
  }
  EXPECT_FALSE(base64_decode(std::string("Zm\0v", 4)).has_value());
}

}  // namespace
}  // namespace postamt::sasl
