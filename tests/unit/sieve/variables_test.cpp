// RFC 5229 variables: set, modifiers (§4.1), match variables (§3.2), the string test (§5), with the
// RFC's own examples; plus encoded-character (RFC 5228 §2.4.2.4) and regex match variables.
#include "sieve/match.hpp"
#include "sieve_test_util.hpp"

namespace postamt::sieve {
namespace {

using test::describe;
using test::Harness;

TEST(SieveVariables, Rfc5229Section3Example) {
  Harness run;
  auto r = run(R"(require ["variables", "reject"];
set "honorific"  "Mr";
set "first_name" "Wile";
set "last_name"  "Coyote";
set "vacation" text:
Dear ${HONORIFIC} ${last_name},
I'm out, please leave a message after the meep.
.
;
reject "${vacation}";
)");
  EXPECT_EQ(describe(r), "reject:Dear Mr Coyote,\r\nI'm out, please leave a message after the meep.\r\n;");
}

TEST(SieveVariables, Rfc5229MatchVariablesExample) {
  const char* runnable = R"(require ["fileinto", "variables"];
if header :matches "List-ID" "*<*@*" {
    fileinto "INBOX.lists.${2}"; stop;
}
if header :matches "Subject" "[*] *" {
    fileinto "INBOX.lists.${1}"; stop;
}
if address :matches ["To", "Cc"] ["coyote@**.com", "wile@**.com"] {
    fileinto "INBOX.business.${2}/${1}/${0}"; stop;
}
if anyof (true, address :domain :matches "To" "*.com") {
    fileinto "x${1}${0}y"; stop;
}
)";
  EXPECT_EQ(describe(Harness("List-ID: Sieve list <sieve@ietf.example.org>\r\n\r\n")(runnable)),
            "fileinto:INBOX.lists.sieve;");
  EXPECT_EQ(describe(Harness("List-ID: <mta-filters@imc.org>\r\n\r\n")(runnable)), "fileinto:INBOX.lists.mta-filters;");
  EXPECT_EQ(describe(Harness("Subject: [acme-users] [fwd] version 1.0 is out\r\n\r\n")(runnable)),
            "fileinto:INBOX.lists.acme-users;");
  // RFC 5229 §3.2: ${1} is "" (the first '*' matches as little as possible), ${2} "ACME.Example".
  EXPECT_EQ(describe(Harness("To: coyote@ACME.Example.COM\r\n\r\n")(runnable)),
            "fileinto:INBOX.business.ACME.Example//coyote@ACME.Example.COM;");
  // The second anyof test is never evaluated, so no match variables are set.
  EXPECT_EQ(describe(Harness("To: a@b.org\r\n\r\n")(runnable)), "fileinto:xy;");
}

TEST(SieveVariables, Rfc5229ModifierExamples) {
  Harness run;
  auto value_of = [&](const std::string& set) {
    auto r = run("require [\"variables\", \"reject\"]; set \"a\" \"juMBlEd lETteRS\"; " + set + " reject \"${b}\";");
    return r.actions.empty() ? std::string("?") : r.actions[0].reason;
  };
  EXPECT_EQ(value_of("set :length \"b\" \"${a}\";"), "15");
  EXPECT_EQ(value_of("set :lower \"b\" \"${a}\";"), "jumbled letters");
  EXPECT_EQ(value_of("set :upperfirst \"b\" \"${a}\";"), "JuMBlEd lETteRS");
  EXPECT_EQ(value_of("set :upperfirst :lower \"b\" \"${a}\";"), "Jumbled letters");
  EXPECT_EQ(value_of("set :lowerfirst :upper \"b\" \"${a}\";"), "jUMBLED LETTERS");
  EXPECT_EQ(value_of("set :quotewildcard \"b\" \"Rock*\";"), "Rock\\*");
  EXPECT_EQ(value_of("set :length \"b\" \"Grüße\";"), "5");  // characters, not octets
  EXPECT_EQ(value_of("set \"b\" \"${unknown}|${a}|${\";"), "|juMBlEd lETteRS|${");
  // Two modifiers of one precedence level are an error (§4.1).
  EXPECT_FALSE(test::errors_of("require \"variables\"; set :lower :upper \"b\" \"x\";").empty());
  EXPECT_FALSE(test::errors_of("require \"variables\"; set \"1\" \"x\";").empty());
  EXPECT_FALSE(test::errors_of("require \"variables\"; set \"a-b\" \"x\";").empty());
}

TEST(SieveVariables, StringTestAndCaseInsensitiveNames) {
  Harness run;
  EXPECT_EQ(describe(run("require \"variables\"; set \"Name\" \"value\"; if string :is \"${NAME}\" \"VALUE\" { discard; }")),
            "discard;");
  EXPECT_EQ(describe(run("require \"variables\"; if string :is \"${missing}\" \"\" { discard; }")), "discard;");
  // §5: with :count, empty strings are not counted.
  EXPECT_EQ(describe(run("require [\"variables\", \"relational\", \"comparator-i;ascii-numeric\"];"
                         "if string :count \"eq\" :comparator \"i;ascii-numeric\" [\"a\", \"\", \"b\"] \"2\" { discard; }")),
            "discard;");
  // Without "variables", "${x}" is literal text.
  EXPECT_EQ(describe(run("require \"reject\"; reject \"${x}\";")), "reject:${x};");
}

TEST(SieveVariables, ValueSizeIsBounded) {
  Harness run;
  run.limits.max_variable_size = 10;
  auto r = run("require [\"variables\", \"reject\"]; set \"a\" \"0123456789abcdef\"; reject \"${a}\";");
  EXPECT_EQ(describe(r), "reject:0123456789;");
}

TEST(SieveVariables, EncodedCharacter) {
  Harness run;
  EXPECT_EQ(describe(run("require [\"encoded-character\", \"reject\"]; reject \"${hex:48 69}${unicode:263A} ${hex:zz}\";")),
            "reject:Hi\xE2\x98\xBA ${hex:zz};");
}

TEST(SieveVariables, RegexMatchVariables) {
  Harness run("Subject: urgent [tc] meeting\r\n\r\n");
  EXPECT_EQ(describe(run("require [\"regex\", \"variables\", \"fileinto\"];"
                         "if header :regex \"subject\" \"\\\\[(t.)\\\\] (m[a-z]+)\" { fileinto \"${1}-${2}\"; }")),
            "fileinto:tc-meeting;");
  // A constant bad pattern is a compile error; one built from variables fails at runtime -> keep.
  EXPECT_FALSE(test::errors_of("require \"regex\"; if header :regex \"subject\" \"(unclosed\" { keep; }").empty());
  EXPECT_FALSE(test::errors_of("require \"regex\"; if header :regex \"subject\" \"(a)\\\\1\" { keep; }").empty());
  auto bad = run("require [\"regex\", \"variables\"]; set \"p\" \"(unclosed\";"
                 "if header :regex \"subject\" \"${p}\" { discard; }");
  EXPECT_EQ(describe(bad), "keep;");
  EXPECT_EQ(bad.errors.size(), 1u);
}

TEST(SieveMatch, GlobCapturesAreNonGreedy) {
  using detail::Comparator;
  std::vector<std::string> caps;
  ASSERT_TRUE(detail::glob_match("a.b.c", "*.*", Comparator::Octet, &caps));
  EXPECT_EQ(caps, (std::vector<std::string>{"a.b.c", "a", "b.c"}));
  ASSERT_TRUE(detail::glob_match("xyz", "?*?", Comparator::Octet, &caps));
  EXPECT_EQ(caps, (std::vector<std::string>{"xyz", "x", "y", "z"}));
  EXPECT_FALSE(detail::glob_match("xy", "?*??", Comparator::Octet, &caps));
  EXPECT_TRUE(detail::glob_match("ÄBC", "?bc", Comparator::AsciiCasemap, &caps));  // '?' is one UTF-8 character
  EXPECT_EQ(caps[1], "Ä");
  EXPECT_FALSE(detail::glob_match("ÄBC", "?bc", Comparator::Octet, nullptr));
  EXPECT_TRUE(detail::glob_match("", "*", Comparator::Octet, nullptr));
  EXPECT_FALSE(detail::glob_match("", "?", Comparator::Octet, nullptr));
  std::string long_value(20000, 'a');
  EXPECT_FALSE(detail::glob_match(long_value, "*a*a*a*a*a*b", Comparator::Octet, nullptr));  // no blow-up
}

TEST(SieveMatch, AsciiNumeric) {
  using detail::Comparator;
  EXPECT_EQ(detail::compare("007", "7", Comparator::AsciiNumeric), 0);
  EXPECT_LT(detail::compare("9", "10", Comparator::AsciiNumeric), 0);
  EXPECT_GT(detail::compare("abc", "99999999999999999999999", Comparator::AsciiNumeric), 0);  // +infinity
  EXPECT_EQ(detail::compare("x", "y", Comparator::AsciiNumeric), 0);
  EXPECT_LT(detail::compare("a", "B", Comparator::AsciiCasemap), 0);
  EXPECT_GT(detail::compare("a", "B", Comparator::Octet), 0);
}

}  // namespace
}  // namespace postamt::sieve
