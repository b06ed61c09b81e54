// Address validation and normalisation (RFC 5321 §4.1.2, §4.5.3.1).
#include "directory/address.hpp"

#include <gtest/gtest.h>

#include "directory/errors.hpp"

namespace postamt::directory {
namespace {

TEST(Address, ParsesAndLowerCasesDomainOnly) {
  Address a = parse_address("Anna.Smith@Example.TEST");
  EXPECT_EQ(a.local, "Anna.Smith");
  EXPECT_EQ(a.domain, "example.test");
  EXPECT_EQ(parse_address("a@example.test.").domain, "example.test");
  EXPECT_EQ(parse_address("o'brien+tag@x-y.example").local, "o'brien+tag");
}

TEST(Address, RejectsInvalid) {
  for (const char* s : {"", "anna", "@example.test", "anna@", "anna@-bad.test", "anna@bad-.test", "anna@a..b",
                        ".anna@example.test", "anna.@example.test", "an..na@example.test", "an na@example.test",
                        "\"quoted\"@example.test", "anna@exa_mple.test", "anna@[127.0.0.1]", "an\nna@example.test"}) {
    EXPECT_THROW(parse_address(s), DataError) << s;
  }
  EXPECT_THROW(parse_address(std::string(65, 'a') + "@example.test"), DataError);
  EXPECT_NO_THROW(parse_address(std::string(64, 'a') + "@example.test"));
  EXPECT_THROW(parse_address("a@" + std::string(64, 'b') + ".test"), DataError);
}

TEST(Address, CatchAllOnlyWhenAllowed) {
  EXPECT_THROW(parse_address("@example.test"), DataError);
  Address a = parse_address("@Example.Test", true);
  EXPECT_EQ(a.local, "");
  EXPECT_EQ(a.domain, "example.test");
}

TEST(Address, RecipientParsingIsLenient) {
  auto a = parse_recipient(" <Anna@Example.TEST> ");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->local, "Anna");
  EXPECT_EQ(a->domain, "example.test");
  auto q = parse_recipient("\"john \\\"j\\\" doe\"@example.test");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->local, "john \"j\" doe");
  auto at = parse_recipient("\"a@b\"@example.test");  // the last '@' separates the domain
  ASSERT_TRUE(at);
  EXPECT_EQ(at->local, "a@b");
  for (const char* s : {"", "<>", "anna", "@example.test", "anna@", "anna@bad..test", "\"unterminated@example.test",
                        "\"a\"b\"@example.test"}) {
    EXPECT_FALSE(parse_recipient(s)) << s;
  }
  EXPECT_FALSE(parse_recipient(std::string(5000, 'a') + "@example.test"));
}

}  // namespace
}  // namespace postamt::directory
