// Robustness of parse_command on random lines assembled from meaningful pieces (deterministic seed):
// no crash or sanitizer report, and every accepted command respects the limits.
#include <gtest/gtest.h>

#include <random>

#include "smtp/protocol/command.hpp"
#include "smtp/protocol/limits.hpp"

namespace postamt::smtp::protocol {
namespace {

TEST(CommandProperty, RandomLinesNeverCrash) {
  std::mt19937 rng(5321);
  const std::string pieces[] = {"MAIL FROM:", "RCPT TO:", "<", ">", "@", "\"", "\\", "a", ".", "[", "]", "IPv6:",
                                "::1", "1.2.3.4", " ", "SIZE=", "BODY=8BITMIME", "NOTIFY=", "ORCPT=rfc822;", "+2B",
                                "%", "!", ",", ":", "\xc3\xa9", "\xff", "SMTPUTF8", "AUTH", "BDAT 1 ", "LAST", "="};
  int accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string line;
    std::size_t n = rng() % 12;
    for (std::size_t i = 0; i < n; ++i) line += pieces[rng() % std::size(pieces)];
    if (rng() % 100 == 0) line += std::string(rng() % 3000, 'x');
    ParseResult r = parse_command(line, ParseOptions{.smtputf8 = rng() % 2 == 0});
    if (auto* c = std::get_if<Command>(&r)) {
      ++accepted;
      EXPECT_LE(line.size() + 2, kMaxParameterLine);
      if (c->verb == Verb::Mail || c->verb == Verb::Rcpt) {
        EXPECT_LE(c->path.mailbox.domain.size(), kMaxDomain);
        EXPECT_LE(c->path.route.size(), kMaxRouteHops);
      }
    } else {
      const Error& e = std::get<Error>(r);
      EXPECT_GE(e.reply.code, 500) << line;
      EXPECT_FALSE(e.reply.text.empty());
    }
  }
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace postamt::smtp::protocol
