// Tests for the RFC 5235 spamtest/virustest values delivery reads from configured scanner headers.
#include "delivery/spam_scores.hpp"

#include <gtest/gtest.h>

namespace postamt::delivery {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

config::SieveConfig spam(std::string header, std::string type = "score", double max = 10.0) {
  config::SieveConfig c;
  c.spamtest.header = std::move(header);
  c.spamtest.type = std::move(type);
  c.spamtest.max = max;
  return c;
}

TEST(ScannerValues, NotConfiguredOrMissingIsNotTested) {
  Fields f{{"X-Spam-Score", "9.0"}};
  auto v = scanner_values(f, {});
  EXPECT_EQ(v.spamtest, "0");
  EXPECT_EQ(v.spamtest_percent, "0");
  EXPECT_EQ(v.virustest, "0");
  v = scanner_values({{"Subject", "x"}}, spam("X-Spam-Score"));
  EXPECT_EQ(v.spamtest, "0");
  EXPECT_EQ(scanner_values({{"X-Spam-Score", "lots"}}, spam("X-Spam-Score")).spamtest, "0");
  EXPECT_EQ(scanner_values({{"X-Spam-Score", ""}}, spam("X-Spam-Score")).spamtest, "0");
}

TEST(ScannerValues, ScoreScalesToOneToTen) {
  auto c = spam("X-Spam-Score");
  EXPECT_EQ(scanner_values({{"x-spam-score", " 8.5 "}}, c).spamtest, "9");  // 1 + 9 * 0.85
  EXPECT_EQ(scanner_values({{"X-Spam-Score", "8.5"}}, c).spamtest_percent, "85");
  EXPECT_EQ(scanner_values({{"X-Spam-Score", "1.0"}}, c).spamtest, "2");
  // §3.2.1: tested and clear is 1, never 0; §3.2.2: clear is 0 %.
  auto clear = scanner_values({{"X-Spam-Score", "-3.2"}}, c);
  EXPECT_EQ(clear.spamtest, "1");
  EXPECT_EQ(clear.spamtest_percent, "0");
  auto certain = scanner_values({{"X-Spam-Score", "25"}}, c);
  EXPECT_EQ(certain.spamtest, "10");
  EXPECT_EQ(certain.spamtest_percent, "100");
  // The first field of the name counts (the topmost, added last: our own scanner in front).
  EXPECT_EQ(scanner_values({{"X-Spam-Score", "0"}, {"X-Spam-Score", "10"}}, c).spamtest, "1");
}

TEST(ScannerValues, SpamAssassinStatusWithRegexAndMaxHeader) {
  Fields f{{"X-Spam-Status", "Yes, score=7.3 required=5.0 tests=BAYES_99 autolearn=no"}};
  auto c = spam("X-Spam-Status: score=(-?[0-9]+(\\.[0-9]+)?)");
  EXPECT_EQ(scanner_values(f, c).spamtest, "8");  // 1 + round(9 * 0.73)
  c.spamtest.max_header = "X-Spam-Status: required=([0-9.]+)";
  auto v = scanner_values(f, c);  // 7.3 / 5.0 is above the maximum: certainly spam
  EXPECT_EQ(v.spamtest, "10");
  EXPECT_EQ(v.spamtest_percent, "100");
  EXPECT_EQ(scanner_values({{"X-Spam-Status", "No, score=2.5 required=5.0"}}, c).spamtest, "6");
  // No match / no maximum: not tested.
  EXPECT_EQ(scanner_values({{"X-Spam-Status", "No"}}, c).spamtest, "0");
  EXPECT_EQ(scanner_values({{"X-Spam-Status", "No, score=2.5"}}, c).spamtest, "0");
}

TEST(ScannerValues, StrlenCountsTheLevel) {
  auto c = spam("X-Spam-Level", "strlen", 10);
  EXPECT_EQ(scanner_values({{"X-Spam-Level", "*******"}}, c).spamtest, "7");  // 1 + round(6.3)
  EXPECT_EQ(scanner_values({{"X-Spam-Level", "*******"}}, c).spamtest_percent, "70");
  EXPECT_EQ(scanner_values({{"X-Spam-Level", std::string(40, '*')}}, c).spamtest, "10");
  // Pigeonhole's example 3: "sssssss" with max 5.
  EXPECT_EQ(scanner_values({{"X-Spam-Score", "sssssss"}}, spam("X-Spam-Score", "strlen", 5)).spamtest, "10");
}

TEST(ScannerValues, TextTable) {
  auto c = spam("X-Spam-Flag", "text");
  c.spamtest.text = {{"NO", 1}, {"YES", 10}};
  EXPECT_EQ(scanner_values({{"X-Spam-Flag", "YES"}}, c).spamtest, "10");
  EXPECT_EQ(scanner_values({{"X-Spam-Flag", "YES"}}, c).spamtest_percent, "100");
  auto no = scanner_values({{"X-Spam-Flag", "no"}}, c);
  EXPECT_EQ(no.spamtest, "1");
  EXPECT_EQ(no.spamtest_percent, "0");
  EXPECT_EQ(scanner_values({{"X-Spam-Flag", "maybe"}}, c).spamtest, "0");
}

TEST(ScannerValues, Virustest) {
  config::SieveConfig c;
  c.virustest.header = "X-Virus-Scan: Found to be (.+)\\.";
  c.virustest.type = "text";
  c.virustest.text = {{"clean", 1}, {"infected", 5}};
  EXPECT_EQ(scanner_values({{"X-Virus-Scan", "Found to be clean."}}, c).virustest, "1");
  EXPECT_EQ(scanner_values({{"X-Virus-Scan", "Found to be infected."}}, c).virustest, "5");
  EXPECT_EQ(scanner_values({{"X-Virus-Scan", "Not scanned"}}, c).virustest, "0");
  EXPECT_EQ(scanner_values({{"X-Virus-Scan", "Found to be infected."}}, c).spamtest, "0");
  c.virustest = config::ScannerTestConfig{};
  c.virustest.header = "X-Virus-Score";
  EXPECT_EQ(scanner_values({{"X-Virus-Score", "0"}}, c).virustest, "1");
  EXPECT_EQ(scanner_values({{"X-Virus-Score", "5"}}, c).virustest, "3");
  EXPECT_EQ(scanner_values({{"X-Virus-Score", "10"}}, c).virustest, "5");
}

TEST(ScannerValues, HostileValuesAreBounded) {
  auto c = spam("X-Spam-Status: score=([0-9.]+)");
  EXPECT_EQ(scanner_values({{"X-Spam-Status", std::string(100000, 'a') + " score=9"}}, c).spamtest, "0");
  EXPECT_EQ(scanner_values({{"X-Spam-Score", "1e308"}}, spam("X-Spam-Score")).spamtest, "0");
  EXPECT_EQ(scanner_values({{"X-Spam-Score", "nan"}}, spam("X-Spam-Score")).spamtest, "0");
  EXPECT_EQ(scanner_values({{"X-Spam-Score", "5"}}, spam(": bad")).spamtest, "0");
}

}  // namespace
}  // namespace postamt::delivery
