// RFC 5228 execution: actions, implicit keep, match types, comparators, address parts, envelope,
// header decoding, runtime errors falling back to keep (§2.10.6), and the issue's end-to-end script.
#include "sieve_test_util.hpp"

namespace postamt::sieve {
namespace {

using test::describe;
using test::Harness;

const char* const kIssueScript =
    "require [\"fileinto\"];\n"
    "if allof (header :contains \"subject\" \"urgent\") { redirect \"boss@example.test\"; }\n"
    "if allof (header :contains \"subject\" \"kongress\") { fileinto \"INBOX.KNF.Kongress\"; }\n"
    "elsif allof (header :contains \"subject\" \"[tc]\") { fileinto \"INBOX.KNF.Technik\"; }\n"
    "elsif allof (header :contains \"subject\" \"ADV:\") { discard; }\n"
    "else { keep; }\n";

std::string with_subject(const std::string& subject) {
  return "From: a@example.com\r\nTo: alice@example.org\r\nSubject: " + subject + "\r\n\r\nbody\r\n";
}

TEST(SieveCore, IssueEndToEndScript) {
  EXPECT_EQ(describe(Harness(with_subject("Re: KONGRESS 2024"))(kIssueScript)), "fileinto:INBOX.KNF.Kongress;");
  EXPECT_EQ(describe(Harness(with_subject("[TC] meeting"))(kIssueScript)), "fileinto:INBOX.KNF.Technik;");
  EXPECT_EQ(describe(Harness(with_subject("ADV: buy now"))(kIssueScript)), "discard;");
  EXPECT_EQ(describe(Harness(with_subject("hello"))(kIssueScript)), "keep;");
  EXPECT_EQ(describe(Harness(with_subject("urgent: kongress"))(kIssueScript)),
            "redirect:boss@example.test;fileinto:INBOX.KNF.Kongress;");
  // redirect cancels the implicit keep; the else branch does not run because [tc] matched.
  EXPECT_EQ(describe(Harness(with_subject("urgent [tc]"))(kIssueScript)),
            "redirect:boss@example.test;fileinto:INBOX.KNF.Technik;");
  EXPECT_EQ(describe(Harness(with_subject("Urgent"))(kIssueScript)), "redirect:boss@example.test;keep;");
  EXPECT_EQ(describe(Harness("To: x@y.z\r\n\r\nno subject\r\n")(kIssueScript)), "keep;");
}

TEST(SieveCore, ImplicitKeep) {
  Harness run;
  EXPECT_EQ(describe(run("")), "keep;");
  EXPECT_EQ(describe(run("discard;")), "discard;");
  EXPECT_EQ(describe(run("keep; discard;")), "keep;discard;");
  EXPECT_EQ(describe(run("require \"fileinto\"; fileinto \"A\"; fileinto \"A\";")), "fileinto:A;");  // §2.10.3
  EXPECT_EQ(describe(run("redirect \"x@y.z\"; redirect \"X@Y.Z\";")), "redirect:x@y.z;");
  EXPECT_EQ(describe(run("require [\"fileinto\", \"copy\"]; fileinto :copy \"A\";")), "fileinto:A;keep;");
  EXPECT_EQ(describe(run("require \"copy\"; redirect :copy \"x@y.z\";")), "redirect:x@y.z;keep;");
  EXPECT_EQ(describe(run("stop; discard;")), "keep;");
  EXPECT_EQ(describe(run("keep; keep;")), "keep;");
}

// RFC 5228 §3.1 example (if/elsif/else with header and address tests).
TEST(SieveCore, Rfc5228Section3_1Example) {
  const char* script =
      "require \"fileinto\";\n"
      "if header :contains \"from\" \"coyote\" {\n"
      "   discard;\n"
      "} elsif header :contains [\"subject\"] [\"$$$\"] {\n"
      "   discard;\n"
      "} else {\n"
      "   fileinto \"INBOX\";\n"
      "}\n";
  EXPECT_EQ(describe(Harness("From: wile.coyote@acme.example\r\n\r\n")(script)), "discard;");
  EXPECT_EQ(describe(Harness("From: a@b.c\r\nSubject: make $$$ fast\r\n\r\n")(script)), "discard;");
  EXPECT_EQ(describe(Harness("From: a@b.c\r\nSubject: hi\r\n\r\n")(script)), "fileinto:INBOX;");
}

// RFC 5228 §9 extended example.
TEST(SieveCore, Rfc5228Section9Example) {
  const char* script = R"(#
     # Example Sieve Filter
     # Declare any optional features or extension used by the script
     #
     require ["fileinto"];

     #
     # Handle messages from known mailing lists
     # Move messages from IETF filter discussion list to filter mailbox
     #
     if header :is "Sender" "owner-ietf-mta-filters@imc.org"
             {
             fileinto "filter";  # move to "filter" mailbox
             }
     #
     # Keep all messages to or from people in my company
     #
     elsif address :DOMAIN :is ["From", "To"] "example.com"
             {
             keep;               # keep in "In" mailbox
             }

     #
     # Try and catch unsolicited email.  If a message is not to me,
     # or it contains a subject known to be spam, file it away.
     #
     elsif anyof (NOT address :all :contains
                    ["To", "Cc", "Bcc"] "me@example.com",
                  header :matches "subject"
                    ["*make*money*fast*", "*university*dipl*mas*"])
             {
             fileinto "spam";   # move to "spam" mailbox
             }
     else
             {
             # Move all other (non-company) mail to "personal"
             # mailbox.
             fileinto "personal";
             }
)";
  EXPECT_EQ(describe(Harness("Sender: owner-ietf-mta-filters@imc.org\r\nTo: me@example.com\r\n\r\n")(script)),
            "fileinto:filter;");
  EXPECT_EQ(describe(Harness("From: boss@Example.COM\r\nTo: me@example.org\r\n\r\n")(script)), "keep;");
  EXPECT_EQ(describe(Harness("From: x@other.org\r\nTo: someone@else.org\r\n\r\n")(script)), "fileinto:spam;");
  EXPECT_EQ(describe(Harness("From: x@other.org\r\nTo: list@other.org\r\nCc: me@example.com\r\nSubject: MAKE lots of MONEY FAST\r\n\r\n")(script)),
            "fileinto:spam;");
  EXPECT_EQ(describe(Harness("From: x@other.org\r\nTo: list@other.org\r\nCc: me@example.com\r\nSubject: lunch\r\n\r\n")(script)),
            "fileinto:personal;");
}

TEST(SieveCore, MatchTypesAndComparators) {
  Harness run;
  auto yes = [&](const std::string& test) {
    return describe(run("require [\"comparator-i;ascii-numeric\", \"relational\"]; if " + test + " { discard; }")) ==
           "discard;";
  };
  EXPECT_TRUE(yes("header :is \"X-Caffeine\" \"c8h10n4o2\""));  // i;ascii-casemap is the default
  EXPECT_FALSE(yes("header :is :comparator \"i;octet\" \"X-Caffeine\" \"c8h10n4o2\""));
  EXPECT_TRUE(yes("header :is :comparator \"i;octet\" \"X-Caffeine\" \"C8H10N4O2\""));
  EXPECT_TRUE(yes("header :contains \"X-Caffeine\" \"10n4\""));
  EXPECT_FALSE(yes("header :contains \"X-Caffeine\" \"10n5\""));
  EXPECT_TRUE(yes("header :matches \"X-Caffeine\" \"c?h*\""));
  EXPECT_TRUE(yes("header :matches \"X-Caffeine\" \"*\""));
  EXPECT_FALSE(yes("header :matches \"X-Caffeine\" \"c?h\""));
  EXPECT_FALSE(yes("header :is \"X-Nonexistent\" \"\""));  // absent header: no value to match
  EXPECT_TRUE(yes("header :is \"x-caffeine\" [\"no\", \"C8H10N4O2\"]"));
  EXPECT_TRUE(yes("header :is :comparator \"i;ascii-numeric\" \"Date\" \"Tue\""));  // both are +infinity
  EXPECT_TRUE(yes("header :value \"gt\" :comparator \"i;ascii-numeric\" \"X-Num\" \"5\"") == false);
}

TEST(SieveCore, WildcardEscapes) {
  Harness run("Subject: what? *really*\r\n\r\n");
  auto yes = [&](const std::string& key) {
    return describe(run("if header :matches \"subject\" \"" + key + "\" { discard; }")) == "discard;";
  };
  EXPECT_TRUE(yes("what\\\\? \\\\*really\\\\*"));  // script text: what\\? \\*really\\*  -> literal ? and *
  EXPECT_FALSE(yes("what\\\\? \\\\*really\\\\?"));
  EXPECT_TRUE(yes("*\\\\**"));
  EXPECT_FALSE(yes("*\\\\*x*"));
}

TEST(SieveCore, AddressParts) {
  Harness run;
  auto yes = [&](const std::string& test) {
    return describe(run("require [\"envelope\", \"subaddress\"]; if " + test + " { discard; }")) == "discard;";
  };
  EXPECT_TRUE(yes("address :is \"from\" \"joe+lists@example.com\""));
  EXPECT_TRUE(yes("address :localpart :is \"from\" \"joe+lists\""));
  EXPECT_TRUE(yes("address :domain :is \"from\" \"EXAMPLE.com\""));
  EXPECT_TRUE(yes("address :user :is \"from\" \"joe\""));
  EXPECT_TRUE(yes("address :detail :is \"from\" \"lists\""));
  EXPECT_FALSE(yes("address :detail :matches \"to\" \"*\""));  // no "+": no detail at all (RFC 5233 §4)
  EXPECT_TRUE(yes("address :all :is \"to\" \"bob@example.net\""));
  EXPECT_FALSE(yes("address :is \"to\" \"Alice\""));  // display names are not part of the address
  EXPECT_TRUE(yes("envelope :is \"from\" \"joe+lists@example.com\""));
  EXPECT_TRUE(yes("envelope :domain :is \"to\" \"example.org\""));
  EXPECT_TRUE(yes("envelope :detail :is \"from\" \"lists\""));
}

TEST(SieveCore, NullEnvelopeSenderIsEmptyString) {
  Harness run;
  run.ctx.envelope_from = "";
  EXPECT_EQ(describe(run("require \"envelope\"; if envelope :localpart :is \"from\" \"\" { discard; }")), "discard;");
}

TEST(SieveCore, HeaderTestDecodesEncodedWords) {
  Harness run;
  EXPECT_EQ(describe(run("if header :contains \"subject\" \"Grüße\" { discard; }")), "discard;");
  EXPECT_EQ(describe(run("if header :contains \"subject\" \"=?UTF-8?\" { discard; }")), "keep;");
}

TEST(SieveCore, ExistsSizeNotAllofAnyof) {
  Harness run;
  std::size_t size = run.raw.size();
  auto yes = [&](const std::string& test) { return describe(run("if " + test + " { discard; }")) == "discard;"; };
  EXPECT_TRUE(yes("exists [\"From\", \"to\"]"));
  EXPECT_FALSE(yes("exists [\"From\", \"X-Missing\"]"));
  EXPECT_TRUE(yes("size :over " + std::to_string(size - 1)));
  EXPECT_FALSE(yes("size :over " + std::to_string(size)));
  EXPECT_TRUE(yes("size :under " + std::to_string(size + 1)));
  EXPECT_FALSE(yes("size :under " + std::to_string(size)));
  EXPECT_TRUE(yes("not false"));
  EXPECT_TRUE(yes("allof (true, not false)"));
  EXPECT_FALSE(yes("allof (true, false)"));
  EXPECT_TRUE(yes("anyof (false, true)"));
  EXPECT_FALSE(yes("anyof (false, false)"));
}

TEST(SieveCore, RuntimeErrorMeansKeep) {
  Harness run;
  run.limits.max_redirects = 2;
  auto r = run("require \"fileinto\"; fileinto \"A\"; redirect \"a@b.c\"; redirect \"d@e.f\"; redirect \"g@h.i\";");
  EXPECT_EQ(describe(r), "keep;");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find("too many redirects"), std::string::npos);
  EXPECT_NE(r.errors[0].find("1:"), std::string::npos);  // position of the failing command

  run.limits.max_actions = 2;
  run.limits.max_redirects = 10;
  r = run("require \"fileinto\"; fileinto \"A\"; fileinto \"B\"; fileinto \"C\";");
  EXPECT_EQ(describe(r), "keep;");
  EXPECT_EQ(r.errors.size(), 1u);

  r = run("require [\"reject\", \"fileinto\"]; fileinto \"A\"; reject \"no\";");
  EXPECT_EQ(describe(r), "keep;");  // RFC 5429 §2.2: reject conflicts with fileinto
}

TEST(SieveCore, StepLimitStopsRunawayScripts) {
  Harness run;
  run.limits.max_steps = 5;
  auto r = run("keep; keep; keep; keep; keep; keep; keep;");
  EXPECT_FALSE(r.errors.empty());
}

TEST(SieveCore, NullEnvironmentKnowsOnlyInbox) {
  NullEnvironment env;
  EXPECT_TRUE(env.mailbox_exists("inbox"));
  EXPECT_FALSE(env.mailbox_exists("Archive"));
}

}  // namespace
}  // namespace postamt::sieve
