// Tests for decoding client response lines and initial-response arguments.
#include "sasl/response.hpp"

#include <gtest/gtest.h>

#include "sasl/base64.hpp"
#include "sasl/mechanism.hpp"

namespace postamt::sasl {
namespace {

using Kind = ClientResponse::Kind;

TEST(Response, ContinuationLines) {
  EXPECT_EQ(decode_response("*").kind, Kind::Abort);
  auto empty = decode_response("");
  EXPECT_EQ(empty.kind, Kind::Data);
  EXPECT_TRUE(empty.data.empty());
  auto d = decode_response("AHVzZXIAcGVuY2ls");
  ASSERT_EQ(d.kind, Kind::Data);
  EXPECT_EQ(d.data, std::string("\0user\0pencil", 12));
  for (const char* bad : {"=", "**", "AHVzZXIAcGVuY2l", "AHVz ZXIA", "not base64!"}) {
    auto r = decode_response(bad);
    EXPECT_EQ(r.kind, Kind::Invalid) << bad;
    EXPECT_FALSE(r.error.empty());
  }
}

TEST(Response, InitialResponses) {
  auto eq = decode_initial_response("=");
  EXPECT_EQ(eq.kind, Kind::Data);
  EXPECT_TRUE(eq.data.empty());
  EXPECT_EQ(decode_initial_response("*").kind, Kind::Invalid);
  EXPECT_EQ(decode_initial_response("").kind, Kind::Invalid);
  EXPECT_EQ(decode_initial_response("dXNlcg==").data, "user");
}

TEST(Response, SizeLimit) {
  EXPECT_EQ(decode_response(base64_encode(std::string(kMaxResponse, 'x'))).kind, Kind::Data);
  EXPECT_EQ(decode_response(base64_encode(std::string(kMaxResponse + 3, 'x'))).kind, Kind::Invalid);
}

}  // namespace
}  // namespace postamt::sasl
