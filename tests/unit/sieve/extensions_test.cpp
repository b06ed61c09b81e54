// Extensions built from their RFCs' examples: reject/ereject (5429), copy (3894), imap4flags (5232),
// relational (5231), body (5173), vacation (5230/6131, RFC 3834 rules), date/index (5260),
// mailbox (5490), duplicate (7352), editheader (5293), environment (5183), include (6609),
// spamtest/virustest (5235).
#include "sieve_test_util.hpp"

namespace postamt::sieve {
namespace {

using test::describe;
using test::errors_of;
using test::Harness;

TEST(SieveReject, RejectAndEreject) {
  Harness run;
  EXPECT_EQ(describe(run("require \"reject\"; reject \"go away\";")), "reject:go away;");
  EXPECT_EQ(describe(run("require \"ereject\"; ereject \"no\";")), "ereject:no;");
  EXPECT_EQ(describe(run("require \"reject\"; reject \"a\"; discard;")), "reject:a;discard;");
  auto r = run("require [\"reject\", \"vacation\"]; vacation \"away\"; reject \"no\";");
  EXPECT_EQ(describe(r), "keep;");
  EXPECT_FALSE(r.errors.empty());
}

// RFC 5232 §6 style examples.
TEST(SieveImap4flags, FlagsOnKeepAndFileinto) {
  Harness run;
  EXPECT_EQ(describe(run("require \"imap4flags\"; setflag \"\\\\Seen\"; addflag [\"\\\\Flagged\", \"$Work \\\\seen\"];")),
            "keep[\\Seen \\Flagged $Work];");
  EXPECT_EQ(describe(run("require \"imap4flags\"; addflag \"\\\\Seen \\\\Flagged\"; removeflag \"\\\\flagged\"; keep;")),
            "keep[\\Seen];");
  EXPECT_EQ(describe(run("require [\"imap4flags\", \"fileinto\"]; addflag \"a\"; fileinto :flags \"b c\" \"X\"; "
                         "fileinto \"Y\";")),
            "fileinto:X[b c];fileinto:Y[a];");
  EXPECT_EQ(describe(run("require \"imap4flags\"; addflag \"\\\\Seen\"; if hasflag :is \"\\\\seen\" { discard; }")), "discard;");
  EXPECT_EQ(describe(run("require [\"imap4flags\", \"variables\"]; addflag \"v\" [\"a\", \"b\"]; "
                         "if hasflag :is \"v\" \"b\" { discard; }")),
            "discard;");
  EXPECT_EQ(describe(run("require [\"imap4flags\", \"variables\", \"relational\", \"comparator-i;ascii-numeric\"];"
                         "setflag \"v\" \"a b c\"; if hasflag :count \"eq\" :comparator \"i;ascii-numeric\" \"v\" \"3\" { discard; }")),
            "discard;");
  EXPECT_FALSE(errors_of("require \"imap4flags\"; setflag \"v\" \"a\";").empty());  // a variable needs "variables"
}

TEST(SieveImap4flags, Rfc5232Example) {
  const char* script = R"(require ["imap4flags", "fileinto"];
if header :contains "from" "boss@frobnitzm.example.edu" {
    setflag "\\Flagged";
    fileinto "INBOX.From Boss";
}
if header :contains "subject" "Make money fast" {
    setflag "\\Deleted";
    fileinto "INBOX.Junk";
}
)";
  EXPECT_EQ(describe(Harness("From: boss@frobnitzm.example.edu\r\nSubject: Make money fast\r\n\r\n")(script)),
            "fileinto:INBOX.From Boss[\\Flagged];fileinto:INBOX.Junk[\\Deleted];");
}

// RFC 5231 §7 example.
TEST(SieveRelational, Rfc5231Examples) {
  const char* script = R"(require ["relational", "comparator-i;ascii-numeric", "fileinto"];
if header :value "lt" :comparator "i;ascii-numeric" ["x-priority"] ["3"] {
    fileinto "Priority";
} elsif address :count "gt" :comparator "i;ascii-numeric" ["to"] ["5"] {
    fileinto "SPAM";
} elsif address :value "gt" :all :comparator "i;ascii-casemap" ["from"] ["M"] {
    fileinto "From N-Z";
} else {
    fileinto "From A-M";
}
if allof (address :count "eq" :comparator "i;ascii-numeric" ["to", "cc"] ["1"],
          address :all :comparator "i;ascii-casemap" ["to", "cc"] ["me@foo.example.com"]) {
    fileinto "Only me";
}
)";
  EXPECT_EQ(describe(Harness("X-Priority: 1\r\nTo: me@foo.example.com\r\nFrom: a@b.c\r\n\r\n")(script)),
            "fileinto:Priority;fileinto:Only me;");
  EXPECT_EQ(describe(Harness("To: a@x, b@x, c@x, d@x, e@x, f@x\r\nFrom: a@b.c\r\n\r\n")(script)), "fileinto:SPAM;");
  EXPECT_EQ(describe(Harness("To: me@foo.example.com\r\nFrom: zed@b.c\r\n\r\n")(script)),
            "fileinto:From N-Z;fileinto:Only me;");
  EXPECT_EQ(describe(Harness("X-Priority: 5\r\nTo: me@foo.example.com, x@y\r\nFrom: al@b.c\r\n\r\n")(script)),
            "fileinto:From A-M;");
}

const char* const kMultipart =
    "From: a@example.com\r\n"
    "To: alice@example.org\r\n"
    "Subject: parts\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/alternative; boundary=XX\r\n"
    "\r\n"
    "preamble\r\n"
    "--XX\r\n"
    "Content-Type: text/plain; charset=iso-8859-1\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Gr=FC=DFe aus M=FCnchen, MAKE MONEY\r\n"
    "--XX\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "PGI+aHRtbCBwYXJ0PC9iPg==\r\n"
    "--XX\r\n"
    "Content-Type: application/octet-stream\r\n"
    "\r\n"
    "binary stuff\r\n"
    "--XX--\r\n";

TEST(SieveBody, TransformsAndDecoding) {
  Harness run(kMultipart);
  auto yes = [&](const std::string& test) {
    return describe(run("require \"body\"; if " + test + " { discard; }")) == "discard;";
  };
  EXPECT_TRUE(yes("body :contains \"Grüße aus München\""));          // :text, QP + latin-1 decoded
  EXPECT_TRUE(yes("body :text :contains \"<b>html part</b>\""));      // base64 decoded
  EXPECT_FALSE(yes("body :contains \"binary stuff\""));                // not text/*
  EXPECT_TRUE(yes("body :content \"application\" :contains \"binary\""));
  EXPECT_TRUE(yes("body :content \"text/html\" :contains \"html part\""));
  EXPECT_FALSE(yes("body :content \"text/html\" :contains \"München\""));
  EXPECT_TRUE(yes("body :raw :contains \"PGI+aHRtbCBwYXJ0PC9iPg==\""));
  EXPECT_FALSE(yes("body :raw :contains \"html part\""));
  EXPECT_TRUE(yes("body :content \"\" :contains \"binary\""));
  // RFC 5173 §7 example
  EXPECT_TRUE(yes("body :text :contains [\"MAKE MONEY\", \"Nigeria\"]"));
}

TEST(SieveVacation, Rfc5230ExampleAndResponseRules) {
  const char* script = R"(require "vacation";
if header :contains "subject" "cyrus" {
    vacation "I'm out -- send mail to cyrus-bugs";
} else {
    vacation "I'm out -- call me at +1 304 555 0123";
}
)";
  Harness run("From: joe@example.com\r\nTo: alice@example.org\r\nSubject: cyrus problem\r\nMessage-ID: <m1@x>\r\n\r\nhi\r\n");
  run.ctx.envelope_from = "joe@example.com";
  auto r = run(script);
  ASSERT_EQ(describe(r), "vacation:joe@example.com;keep;");  // vacation does not cancel the implicit keep
  const Action& v = r.actions[0];
  EXPECT_EQ(v.reason, "I'm out -- send mail to cyrus-bugs");
  EXPECT_EQ(v.subject, "Auto: cyrus problem");
  EXPECT_EQ(v.recipient, "alice@example.org");
  EXPECT_EQ(v.reply_to_message_id, "<m1@x>");
  EXPECT_EQ(v.seconds, 7u * 86400);
  EXPECT_EQ(v.handle.size(), 16u);

  // Different reasons give different default handles (§4.2).
  Harness other("From: joe@example.com\r\nTo: alice@example.org\r\nSubject: else\r\n\r\n");
  other.ctx.envelope_from = "joe@example.com";
  auto r2 = other(script);
  ASSERT_EQ(r2.actions.size(), 2u);
  EXPECT_NE(r2.actions[0].handle, v.handle);

  // Already answered within the period: no reply.
  run.env.vacation_sent.insert("joe@example.com|" + v.handle);
  EXPECT_EQ(describe(run(script)), "keep;");
}

TEST(SieveVacation, NeverAnswersAutomatedMailOrNonRecipients) {
  const char* script = "require \"vacation\"; vacation :days 3 :subject \"away\" \"I am away\";";
  auto outcome = [&](const std::string& headers, const std::string& from = "joe@example.com") {
    Harness run(headers + "\r\nbody\r\n");
    run.ctx.envelope_from = from;
    return describe(run(script));
  };
  EXPECT_EQ(outcome("To: alice@example.org\r\n"), "vacation:joe@example.com;keep;");
  EXPECT_EQ(outcome("To: alice@example.org\r\n", ""), "keep;");                      // bounce
  EXPECT_EQ(outcome("To: alice@example.org\r\n", "MAILER-DAEMON@example.com"), "keep;");
  EXPECT_EQ(outcome("To: alice@example.org\r\n", "owner-list@example.com"), "keep;");
  EXPECT_EQ(outcome("To: alice@example.org\r\n", "list-request@example.com"), "keep;");
  EXPECT_EQ(outcome("To: alice@example.org\r\nList-Id: <l.example.com>\r\n"), "keep;");
  EXPECT_EQ(outcome("To: alice@example.org\r\nPrecedence: bulk\r\n"), "keep;");
  EXPECT_EQ(outcome("To: alice@example.org\r\nAuto-Submitted: auto-replied\r\n"), "keep;");
  EXPECT_EQ(outcome("To: alice@example.org\r\nAuto-Submitted: no\r\n"), "vacation:joe@example.com;keep;");
  EXPECT_EQ(outcome("To: someone@else.org\r\n"), "keep;");  // §4.5: not addressed to the user
  EXPECT_EQ(outcome("To: someone@else.org\r\nCc: Alice+x@Example.org\r\n"), "vacation:joe@example.com;keep;");
  EXPECT_EQ(outcome("To: alice@example.org\r\n", "alice@example.org"), "keep;");  // never to oneself
}

TEST(SieveVacation, ArgumentsAndLimits) {
  Harness run("To: me@alias.example\r\nSubject: hi\r\n\r\n");
  auto r = run("require \"vacation\"; vacation :days 1000 :addresses [\"me@alias.example\"] :from \"alice@example.org\" "
               ":handle \"h1\" :mime \"Content-Type: text/plain\r\n\r\naway\";");
  ASSERT_EQ(describe(r), "vacation:joe+lists@example.com;keep;");
  EXPECT_EQ(r.actions[0].seconds, run.limits.vacation_max_seconds);
  EXPECT_EQ(r.actions[0].handle, "h1");
  EXPECT_TRUE(r.actions[0].mime);
  EXPECT_EQ(r.actions[0].from, "alice@example.org");
  r = run("require \"vacation-seconds\"; vacation :seconds 60 :addresses \"me@alias.example\" \"x\";");
  ASSERT_EQ(r.actions.size(), 2u);
  EXPECT_EQ(r.actions[0].seconds, 60u);
  EXPECT_FALSE(errors_of("require \"vacation\"; vacation :seconds 60 \"x\";").empty());  // needs vacation-seconds
  EXPECT_FALSE(errors_of("require \"vacation\"; vacation :from \"not an address\" \"x\";").empty());
  r = run("require \"vacation\"; vacation :addresses \"me@alias.example\" \"a\"; vacation :addresses \"me@alias.example\" \"b\";");
  EXPECT_EQ(describe(r), "keep;");  // §4.7: twice is an error
}

TEST(SieveVacation, AllowedHelper) {
  std::string raw = "From: a@b.c\r\nTo: d@e.f\r\n\r\n";
  auto parsed = mime::parse(raw);
  MessageContext ctx{raw, parsed};
  ctx.envelope_from = "a@b.c";
  EXPECT_TRUE(vacation_allowed(ctx));
  ctx.envelope_from = "";
  EXPECT_FALSE(vacation_allowed(ctx));
}

TEST(SieveDate, DatePartsAndZones) {
  Harness run;  // Date: Tue, 1 Jul 2003 10:52:37 +0200; now = 2003-07-01T08:52:37Z
  auto yes = [&](const std::string& test) {
    return describe(run("require [\"date\", \"relational\", \"index\"]; if " + test + " { discard; }")) == "discard;";
  };
  EXPECT_TRUE(yes("date :originalzone \"date\" \"hour\" \"10\""));
  EXPECT_TRUE(yes("date :zone \"+0000\" \"date\" \"hour\" \"08\""));
  EXPECT_TRUE(yes("date \"date\" \"hour\" \"08\""));  // local zone = UTC in the harness
  EXPECT_TRUE(yes("date :zone \"-0500\" \"date\" \"time\" \"03:52:37\""));
  EXPECT_TRUE(yes("date :originalzone \"date\" \"date\" \"2003-07-01\""));
  EXPECT_TRUE(yes("date :originalzone \"date\" \"iso8601\" \"2003-07-01T10:52:37+02:00\""));
  EXPECT_TRUE(yes("date :originalzone \"date\" \"std11\" \"Tue, 1 Jul 2003 10:52:37 +0200\""));
  EXPECT_TRUE(yes("date :originalzone \"date\" \"zone\" \"+0200\""));
  EXPECT_TRUE(yes("date \"date\" \"julian\" \"52821\""));
  EXPECT_TRUE(yes("date \"date\" \"weekday\" \"2\""));
  EXPECT_TRUE(yes("date \"date\" \"year\" \"2003\""));
  EXPECT_TRUE(yes("date :zone \"+1400\" \"date\" \"day\" \"01\""));
  EXPECT_TRUE(yes("date :zone \"+1600\" \"date\" \"day\" \"01\"") == false);  // invalid zone -> compile error
  EXPECT_TRUE(yes("currentdate :zone \"+0000\" \"time\" \"08:52:37\""));
  EXPECT_TRUE(yes("currentdate :value \"ge\" \"date\" \"2003-01-01\""));
  EXPECT_FALSE(yes("currentdate :value \"lt\" \"date\" \"2003-01-01\""));
  EXPECT_FALSE(yes("date \"x-missing\" \"year\" \"2003\""));
  EXPECT_FALSE(errors_of("require \"date\"; if date \"date\" \"fortnight\" \"1\" { keep; }").empty());
}

TEST(SieveDate, Rfc5260Examples) {
  Harness run("Received: from a by b; Mon, 30 Jun 2003 23:00:00 -0000\r\n"
              "Received: from c by d; Tue, 1 Jul 2003 09:00:00 +0000\r\n"
              "Date: Tue, 1 Jul 2003 10:52:37 +0200\r\n\r\n");
  auto yes = [&](const std::string& test) {
    return describe(run("require [\"date\", \"relational\", \"index\", \"fileinto\"]; if " + test +
                        " { discard; }")) == "discard;";
  };
  // RFC 5260 §6: :index counts from the top, with :last from the bottom (the oldest Received).
  EXPECT_TRUE(yes("header :index 1 :last :matches \"received\" \"*; Tue, 1 Jul*\""));
  EXPECT_FALSE(yes("header :index 1 :last :contains \"received\" \"30 Jun\""));
  EXPECT_TRUE(yes("header :index 2 :contains \"received\" \"1 Jul\""));
  EXPECT_TRUE(yes("header :index 1 :contains \"received\" \"30 Jun\""));
  EXPECT_TRUE(yes("date :index 1 :zone \"+0200\" \"date\" \"hour\" \"10\""));
  EXPECT_FALSE(yes("header :index 3 :contains \"received\" \"\""));
  // §4: a Received field's date follows its last ";"; the oldest hop here is the bottom one.
  EXPECT_TRUE(yes("date :index 1 :last :zone \"+0000\" \"received\" \"hour\" \"09\""));
  EXPECT_TRUE(yes("date :index 1 :zone \"+0000\" \"received\" \"date\" \"2003-06-30\""));
}

TEST(SieveMailbox, ExistsAndCreate) {
  Harness run;
  EXPECT_EQ(describe(run("require \"mailbox\"; if mailboxexists [\"INBOX\", \"Archive\"] { discard; }")), "discard;");
  EXPECT_EQ(describe(run("require \"mailbox\"; if mailboxexists \"Nope\" { discard; }")), "keep;");
  auto r = run("require [\"mailbox\", \"fileinto\"]; fileinto :create \"New\";");
  ASSERT_EQ(r.actions.size(), 1u);
  EXPECT_TRUE(r.actions[0].create);
}

TEST(SieveDuplicate, TracksMessageIds) {
  Harness run;
  auto r = run("require \"duplicate\"; if duplicate { discard; }");
  EXPECT_EQ(describe(r), "keep;");
  ASSERT_EQ(r.duplicate_ids.size(), 1u);
  EXPECT_EQ(r.duplicate_ids[0], std::string("\x1f<1234@local.machine.example>"));
  EXPECT_EQ(r.duplicate_seconds[0], run.limits.duplicate_default_seconds);
  run.env.seen_ids.insert(r.duplicate_ids[0]);
  r = run("require \"duplicate\"; if duplicate { discard; }");
  EXPECT_EQ(describe(r), "discard;");
  EXPECT_TRUE(r.duplicate_ids.empty());  // §3.3: without :last a seen id is not refreshed
  r = run("require \"duplicate\"; if duplicate :last { discard; }");
  EXPECT_EQ(r.duplicate_ids.size(), 1u);
  r = run("require \"duplicate\"; if duplicate :handle \"h\" :header \"X-Caffeine\" :seconds 60 { discard; }");
  ASSERT_EQ(r.duplicate_ids.size(), 1u);
  EXPECT_EQ(r.duplicate_ids[0], "h\x1f" "C8H10N4O2");
  EXPECT_EQ(r.duplicate_seconds[0], 60u);
  r = run("require \"duplicate\"; if duplicate :uniqueid \"abc\" { discard; }");
  EXPECT_EQ(r.duplicate_ids[0], "\x1f" "abc");
  EXPECT_FALSE(errors_of("require \"duplicate\"; if duplicate :header \"a\" :uniqueid \"b\" { keep; }").empty());
}

TEST(SieveEditheader, AddDeleteAndApply) {
  Harness run("Received: from x\r\nSubject: old\r\nX-A: 1\r\nX-A: 2\r\nX-A: 3\r\n\r\nbody\r\n");
  auto r = run(R"(require ["editheader", "fileinto"];
addheader "X-Sieve" "yes";
addheader :last "X-Tail" "Grüße";
if header :is "X-Sieve" "yes" { fileinto "seen-own-edit"; }
deleteheader "Subject";
if not exists "Subject" { fileinto "no-subject"; }
deleteheader :index 1 :last "X-A";
deleteheader :contains "X-A" "1";
deleteheader "Received";
)");
  EXPECT_EQ(describe(r), "fileinto:seen-own-edit;fileinto:no-subject;");
  ASSERT_TRUE(r.headers_edited);
  std::string edited = apply_header_edits(run.raw, run.parsed, r);
  EXPECT_EQ(edited,
            "X-Sieve: yes\r\nReceived: from x\r\nX-A: 2\r\nX-Tail: =?UTF-8?B?R3LDvMOfZQ==?=\r\n\r\nbody\r\n");
  EXPECT_FALSE(errors_of("require \"editheader\"; addheader \"Bad Name\" \"x\";").empty());
  EXPECT_FALSE(errors_of("require \"editheader\"; deleteheader :last \"X-A\";").empty());
}

TEST(SieveEnvironment, Items) {
  Harness run;
  run.ctx.environment["remote-ip"] = "192.0.2.1";
  auto yes = [&](const std::string& test) {
    return describe(run("require \"environment\"; if " + test + " { discard; }")) == "discard;";
  };
  EXPECT_TRUE(yes("environment :is \"remote-ip\" \"192.0.2.1\""));
  EXPECT_TRUE(yes("environment :is \"name\" \"postamt\""));
  EXPECT_TRUE(yes("environment :is \"phase\" \"during\""));
  EXPECT_FALSE(yes("environment :matches \"location\" \"*\""));
}

TEST(SieveSpamtest, ValuesFromDelivery) {
  Harness run;
  run.ctx.spamtest_value = "7";
  run.ctx.spamtest_percent = "65";
  run.ctx.virustest_value = "1";
  auto yes = [&](const std::string& test) {
    return describe(run("require [\"spamtestplus\", \"virustest\", \"relational\", \"comparator-i;ascii-numeric\"]; if " +
                        test + " { discard; }")) == "discard;";
  };
  EXPECT_TRUE(yes("spamtest :value \"ge\" :comparator \"i;ascii-numeric\" \"5\""));
  EXPECT_FALSE(yes("spamtest :value \"ge\" :comparator \"i;ascii-numeric\" \"8\""));
  EXPECT_TRUE(yes("spamtest :percent :value \"gt\" :comparator \"i;ascii-numeric\" \"50\""));
  EXPECT_TRUE(yes("virustest :value \"eq\" :comparator \"i;ascii-numeric\" \"1\""));
  EXPECT_FALSE(errors_of("require \"spamtest\"; if spamtest :percent \"5\" { keep; }").empty());
}

TEST(SieveInclude, PersonalGlobalOnceReturnAndLoops) {
  std::map<std::string, std::string> scripts = {
      {"p:spam", "require [\"fileinto\", \"include\", \"variables\"]; global \"where\"; "
                 "if header :contains \"subject\" \"urgent\" { fileinto \"${where}\"; return; } fileinto \"never\";"},
      {"g:common", "require \"fileinto\"; fileinto \"global-box\";"},
      {"p:loop", "require \"include\"; include \"loop2\";"},
      {"p:loop2", "require \"include\"; include \"loop\";"},
      {"p:bad", "frobnicate;"},
  };
  CompileOptions opts;
  opts.include_resolver = [&](std::string_view name, bool global) -> std::optional<std::string> {
    auto it = scripts.find((global ? "g:" : "p:") + std::string(name));
    if (it == scripts.end()) return std::nullopt;
    return it->second;
  };
  Harness run;
  auto r = run(R"(require ["include", "variables"];
global "where";
set "where" "from-main";
include :personal "spam";
include :once :global "common";
include :once :global "common";
include :optional "does-not-exist";
)",
               opts);
  EXPECT_EQ(describe(r), "fileinto:from-main;fileinto:global-box;");
  EXPECT_TRUE(r.errors.empty());

  auto loop = errors_of("require \"include\"; include \"loop\";", opts);
  ASSERT_FALSE(loop.empty());
  EXPECT_NE(loop[0].message.find("include loop"), std::string::npos) << loop[0].message;
  auto missing = errors_of("require \"include\";\n include \"nope\";", opts);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].line, 2);
  auto bad = errors_of("require \"include\"; include \"bad\";", opts);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].message.find("unknown command 'frobnicate'"), std::string::npos);
  EXPECT_FALSE(errors_of("require \"include\"; global \"x\";", opts).empty());  // needs variables

  opts.missing_include_is_error = false;
  r = run("require \"include\"; include \"nope\";", opts);
  EXPECT_EQ(describe(r), "keep;");
  EXPECT_EQ(r.errors.size(), 1u);  // runtime error instead
}

TEST(SieveInclude, DepthLimit) {
  CompileOptions opts;
  opts.max_include_depth = 3;
  opts.include_resolver = [](std::string_view name, bool) -> std::optional<std::string> {
    int n = std::stoi(std::string(name));
    return "require \"include\"; include \"" + std::to_string(n + 1) + "\";";
  };
  auto e = errors_of("require \"include\"; include \"1\";", opts);
  ASSERT_FALSE(e.empty());
  EXPECT_NE(e[0].message.find("nested too deeply"), std::string::npos) << e[0].message;
}

}  // namespace
}  // namespace postamt::sieve
