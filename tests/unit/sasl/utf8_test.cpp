// Tests for the UTF-8 validator (RFC 3629 §4 ABNF edge cases).
#include "sasl/utf8.hpp"

#include <gtest/gtest.h>

namespace postamt::sasl {
namespace {

TEST(Utf8, AcceptsWellFormed) {
  for (const char* s : {"", "plain ascii", "\xC2\xA0", "\xC3\xA4", "\xE2\x82\xAC", "\xED\x9F\xBF", "\xEE\x80\x80",
                        "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF"})
    EXPECT_TRUE(valid_utf8(s)) << s;
}

TEST(Utf8, RejectsIllFormed) {
  for (const char* s : {"\x80", "\xBF", "\xC0\x80", "\xC1\xBF", "\xC3", "\xE0\x80\x80", "\xE0\x9F\xBF",
                        "\xED\xA0\x80", "\xE2\x82", "\xF0\x80\x80\x80", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80",
                        "\xFF", "a\xC3(b"})
    EXPECT_FALSE(valid_utf8(s)) << s;
}

}  // namespace
}  // namespace postamt::sasl
