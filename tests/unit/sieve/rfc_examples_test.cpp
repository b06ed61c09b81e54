// The examples of the smaller extension RFCs run as written: copy (RFC 3894 §3), subaddress
// (RFC 5233 §5), body (RFC 5173 §5), spamtest/spamtestplus/virustest (RFC 5235 §3-§5); plus the
// differences the Pigeonhole differential test found (tests/sieve_differential).
#include "sieve_test_util.hpp"

namespace postamt::sieve {
namespace {

using test::describe;
using test::Harness;

TEST(SieveRfcExamples, Rfc3894CopyKeepsImplicitKeep) {
  Harness run;
  EXPECT_EQ(describe(run("require [\"copy\", \"fileinto\"];\nfileinto :copy \"incoming\";\n")), "fileinto:incoming;keep;");
  EXPECT_EQ(describe(run("require [\"copy\", \"fileinto\"];\nfileinto :copy \"incoming\";\ndiscard;\n")),
            "fileinto:incoming;discard;");
}

TEST(SieveRfcExamples, Rfc5233SubaddressExample) {
  const char* script = R"(require ["envelope", "subaddress", "fileinto"];
if envelope :user "to" "postmaster" {
    fileinto "inbox.postmaster";
    stop;
}
if envelope :detail "to" "mta-filters" {
    fileinto "inbox.ietf-mta-filters";
}
if envelope :detail "to" "foo" {
    redirect "ken@example.net";
}
)";
  Harness run;
  run.ctx.envelope_to = "postmaster+foo@example.com";
  EXPECT_EQ(describe(run(script)), "fileinto:inbox.postmaster;");
  run.ctx.envelope_to = "ken+mta-filters@example.com";
  EXPECT_EQ(describe(run(script)), "fileinto:inbox.ietf-mta-filters;");
  run.ctx.envelope_to = "ken+foo@example.com";
  EXPECT_EQ(describe(run(script)), "redirect:ken@example.net;");
  run.ctx.envelope_to = "ken@example.com";
  EXPECT_EQ(describe(run(script)), "keep;");
}

TEST(SieveRfcExamples, Rfc5173BodyExamples) {
  const char* mime =
      "From: Whomever\r\nTo: Someone\r\nSubject: whatever\r\nContent-Type: multipart/mixed; boundary=outer\r\n\r\n"
      "This is a multi-part message in MIME format.\r\n--outer\r\n"
      "Content-Type: multipart/alternative; boundary=inner\r\n\r\n"
      "--inner\r\nContent-Type: application/octet-stream\r\n\r\nBinaryDataMissileOne\r\n"
      "--inner\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nThe project schedule is ready.\r\n"
      "--inner--\r\n--outer\r\nContent-Type: audio/mp3\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--outer--\r\n";
  Harness run(mime);
  EXPECT_EQ(describe(run("require \"body\";\nif body :raw :contains \"MAKE MONEY FAST\" { discard; }")), "keep;");
  EXPECT_EQ(describe(run(R"(require ["body", "fileinto"];
if body :content "text" :contains ["missile", "coordinates"] { fileinto "secrets"; }
if body :content "audio/mp3" :contains "" { fileinto "jukebox"; }
if body :text :contains "project schedule" { fileinto "project/schedule"; }
)")),
            "fileinto:jukebox;fileinto:project/schedule;");
  // The octet-stream part is not text: only :content "application" or :raw sees it.
  EXPECT_EQ(describe(run("require \"body\"; if body :content \"application\" :contains \"missile\" { discard; }")),
            "discard;");
  EXPECT_EQ(describe(run("require \"body\"; if body :raw :contains \"BinaryDataMissile\" { discard; }")), "discard;");
}

TEST(SieveRfcExamples, Rfc5235SpamtestAndCount) {
  const char* script = R"(require ["spamtestplus", "fileinto", "relational", "comparator-i;ascii-numeric"];
if spamtest :value "eq" :comparator "i;ascii-numeric" "0" {
    fileinto "INBOX.unclassified";
}
elsif spamtest :percent :value "eq" :comparator "i;ascii-numeric" "0" {
    fileinto "INBOX.not-spam";
}
elsif spamtest :percent :value "lt" :comparator "i;ascii-numeric" "37" {
    fileinto "INBOX.spam-trap";
}
else {
    discard;
}
)";
  Harness run;
  EXPECT_EQ(describe(run(script)), "fileinto:INBOX.unclassified;");
  run.ctx.spamtest_value = "1";
  run.ctx.spamtest_percent = "0";
  EXPECT_EQ(describe(run(script)), "fileinto:INBOX.not-spam;");
  run.ctx.spamtest_value = "4";
  run.ctx.spamtest_percent = "30";
  EXPECT_EQ(describe(run(script)), "fileinto:INBOX.spam-trap;");
  run.ctx.spamtest_value = "9";
  run.ctx.spamtest_percent = "90";
  EXPECT_EQ(describe(run(script)), "discard;");

  // §3.1: :count is 1 when the message was tested, 0 when not (found by the differential test).
  const char* count = R"(require ["spamtestplus", "virustest", "fileinto", "relational", "comparator-i;ascii-numeric"];
if spamtest :percent :count "eq" :comparator "i;ascii-numeric" "0" { fileinto "INBOX.unclassified"; }
if virustest :count "eq" :comparator "i;ascii-numeric" "0" { fileinto "INBOX.virus-unknown"; }
)";
  Harness fresh;
  EXPECT_EQ(describe(fresh(count)), "fileinto:INBOX.unclassified;fileinto:INBOX.virus-unknown;");
  fresh.ctx.spamtest_value = "1";
  fresh.ctx.virustest_value = "1";
  EXPECT_EQ(describe(fresh(count)), "keep;");
}

TEST(SieveRfcExamples, Rfc5235VirustestExample) {
  const char* script = R"(require ["virustest", "fileinto", "relational", "comparator-i;ascii-numeric"];
if virustest :value "eq" :comparator "i;ascii-numeric" "0" {
    fileinto "INBOX.unclassified";
}
if virustest :value "eq" :comparator "i;ascii-numeric" "4" {
    fileinto "INBOX.quarantine";
}
elsif virustest :value "eq" :comparator "i;ascii-numeric" "5" {
    discard;
}
)";
  Harness run;
  EXPECT_EQ(describe(run(script)), "fileinto:INBOX.unclassified;");
  run.ctx.virustest_value = "4";
  EXPECT_EQ(describe(run(script)), "fileinto:INBOX.quarantine;");
  run.ctx.virustest_value = "5";
  EXPECT_EQ(describe(run(script)), "discard;");
}

// Where Pigeonhole deviates (docs/sieve-pigeonhole.md), postamt keeps the RFC behaviour.
TEST(SieveRfcExamples, PigeonholeDeviationsStayRfcConform) {
  Harness run("Subject: hi there\r\nX-List: [announce] x\r\nTo: undisclosed-recipients:;\r\n\r\n");
  // RFC 5228 §2.7.1: "?" is one character, the rest literal.
  EXPECT_EQ(describe(run("if header :matches \"subject\" \"?zzz*\" { discard; }")), "keep;");
  EXPECT_EQ(describe(run("if header :matches \"subject\" \"?i th*\" { discard; }")), "discard;");
  // RFC 4790 §9.2: i;ascii-casemap compares upper-cased, so "[" (0x5B) sorts after "M" (0x4D).
  EXPECT_EQ(describe(run("require \"relational\"; if header :value \"ge\" \"x-list\" \"m\" { discard; }")), "discard;");
  // RFC 5228 §5.1: the address test never acts on group names.
  EXPECT_EQ(describe(run("if address :contains \"to\" \"undisclosed\" { discard; }")), "keep;");
}

// RFC 6609 §3.2: ":once" skips a script included before by any include, with or without :once.
TEST(SieveRfcExamples, Rfc6609OnceCountsEveryEarlierInclude) {
  CompileOptions opts;
  opts.include_resolver = [](std::string_view name, bool) -> std::optional<std::string> {
    if (name != "append") return std::nullopt;
    return std::string("require [\"include\", \"variables\"]; global \"who\"; set \"who\" \"${who}+g\";");
  };
  Harness run;
  const char* script = R"(require ["include", "variables", "fileinto"];
global "who";
set "who" "main";
include :global "append";
include :once :global "append";
include :once :global "append";
fileinto "who-${who}";
)";
  EXPECT_EQ(describe(run(script, opts)), "fileinto:who-main+g;");
  const char* twice = R"(require ["include", "variables", "fileinto"];
global "who";
include "append";
include "append";
fileinto "who-${who}";
)";
  EXPECT_EQ(describe(run(twice, opts)), "fileinto:who-+g+g;");  // without :once a script runs each time
}

}  // namespace
}  // namespace postamt::sieve
