// Pure pieces of the net module: ClientHello sniffing and connection admission counting.
#include <gtest/gtest.h>

#include "net/connection_limits.hpp"
#include "net/tls_sniff.hpp"

namespace postamt::net {
namespace {

TEST(TlsSniff, RecognisesClientHelloRecords) {
  using std::string_view;
  EXPECT_EQ(sniff_tls_client_hello(string_view("\x16\x03\x01\x02\x00", 5)), Sniff::Tls);
  EXPECT_EQ(sniff_tls_client_hello(string_view("\x16\x03\x03", 3)), Sniff::Tls);
  EXPECT_EQ(sniff_tls_client_hello(string_view("\x16\x03\x00", 3)), Sniff::Tls);  // SSL 3.0 hello
  EXPECT_EQ(sniff_tls_client_hello(string_view("\x16\x03\x05", 3)), Sniff::NotTls);
  EXPECT_EQ(sniff_tls_client_hello(string_view("\x16\x02\x01", 3)), Sniff::NotTls);
  EXPECT_EQ(sniff_tls_client_hello("EHLO x\r\n"), Sniff::NotTls);
  EXPECT_EQ(sniff_tls_client_hello(""), Sniff::NeedMore);
  EXPECT_EQ(sniff_tls_client_hello(string_view("\x16", 1)), Sniff::NeedMore);
  EXPECT_EQ(sniff_tls_client_hello(string_view("\x16\x03", 2)), Sniff::NeedMore);
}

TEST(ConnectionLimits, GlobalAndPerIp) {
  ConnectionLimits limits(3, 2);
  EXPECT_EQ(limits.acquire("10.0.0.1"), ConnectionLimits::Verdict::Ok);
  EXPECT_EQ(limits.acquire("10.0.0.1"), ConnectionLimits::Verdict::Ok);
  EXPECT_EQ(limits.acquire("10.0.0.1"), ConnectionLimits::Verdict::TooManyFromIp);
  EXPECT_EQ(limits.acquire("10.0.0.2"), ConnectionLimits::Verdict::Ok);
  EXPECT_EQ(limits.acquire("10.0.0.3"), ConnectionLimits::Verdict::TooMany);
  EXPECT_EQ(limits.total(), 3u);
  limits.release("10.0.0.1");
  EXPECT_EQ(limits.from("10.0.0.1"), 1u);
  EXPECT_EQ(limits.acquire("10.0.0.3"), ConnectionLimits::Verdict::Ok);
  limits.release("never-seen");  // ignored, no underflow
  EXPECT_EQ(limits.total(), 3u);
}

TEST(ConnectionLimits, ZeroMeansUnlimited) {
  ConnectionLimits limits(0, 0);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(limits.acquire("1.2.3.4"), ConnectionLimits::Verdict::Ok);
}

}  // namespace
}  // namespace postamt::net
