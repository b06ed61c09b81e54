// Compile-time validation: unknown commands, extensions not required, argument types and counts,
// tag conflicts, comparators — each reported with line and column.
#include "sieve_test_util.hpp"

namespace postamt::sieve {
namespace {

using test::errors_of;
using test::must_compile;

::testing::AssertionResult has_error(std::string_view script, int line, int column, std::string_view fragment,
                                     CompileOptions opts = {}) {
  auto errors = errors_of(script, std::move(opts));
  for (const auto& e : errors)
    if (e.line == line && e.column == column && e.message.find(fragment) != std::string::npos)
      return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "no error at " << line << ":" << column << " containing '" << fragment
                                       << "'; got:\n"
                                       << format_errors(errors);
}

TEST(SieveValidator, UnknownCommandAndTest) {
  EXPECT_TRUE(has_error("keep;\n  frobnicate \"x\";", 2, 3, "unknown command 'frobnicate'"));
  EXPECT_TRUE(has_error("if bogus { keep; }", 1, 4, "unknown test 'bogus'"));
  EXPECT_TRUE(has_error("header :is \"a\" \"b\";", 1, 1, "is a test"));
  EXPECT_TRUE(has_error("if keep { stop; }", 1, 4, "is a command"));
}

TEST(SieveValidator, ExtensionsMustBeRequired) {
  EXPECT_TRUE(has_error("fileinto \"x\";", 1, 1, "requires \"fileinto\""));
  EXPECT_TRUE(has_error("if envelope :is \"from\" \"a@b\" { keep; }", 1, 4, "\"envelope\""));
  EXPECT_TRUE(has_error("require \"fileinto\";\nfileinto :copy \"x\";", 2, 10, "\"copy\""));
  EXPECT_TRUE(has_error("if header :regex \"a\" \"b\" { keep; }", 1, 11, "\"regex\""));
  EXPECT_TRUE(has_error("if address :detail \"to\" \"b\" { keep; }", 1, 12, "\"subaddress\""));
  EXPECT_TRUE(has_error("require \"nonsense\";", 1, 9, "unsupported extension \"nonsense\""));
  CompileOptions only_fileinto;
  only_fileinto.extensions = {"fileinto"};
  EXPECT_TRUE(has_error("require [\"fileinto\", \"vacation\"];", 1, 9, "\"vacation\"", only_fileinto));
  EXPECT_NE(must_compile("require \"fileinto\"; fileinto \"a\";", only_fileinto), nullptr);
}

TEST(SieveValidator, RequirePlacementAndIfChains) {
  EXPECT_TRUE(has_error("keep;\nrequire \"fileinto\";", 2, 1, "require must come before"));
  EXPECT_TRUE(has_error("if true { require \"fileinto\"; }", 1, 11, "require must come before"));
  EXPECT_TRUE(has_error("keep;\nelse { keep; }", 2, 1, "without a preceding 'if'"));
  EXPECT_TRUE(has_error("if true { keep; }\nkeep;\nelsif true { keep; }", 3, 1, "without a preceding 'if'"));
  EXPECT_NE(must_compile("if false { keep; } elsif true { stop; } else { discard; }"), nullptr);
}

TEST(SieveValidator, ArgumentTypesAndCounts) {
  EXPECT_TRUE(has_error("redirect;", 1, 1, "takes 1 positional argument, found 0"));
  EXPECT_TRUE(has_error("redirect 5;", 1, 10, "must be a string"));
  EXPECT_TRUE(has_error("redirect [\"a@b.c\", \"d@e.f\"];", 1, 10, "must be a string"));
  EXPECT_TRUE(has_error("if header \"a\" { keep; }", 1, 4, "takes 2 positional arguments"));
  EXPECT_TRUE(has_error("if size 100 { keep; }", 1, 4, "takes 0 positional"));
  EXPECT_TRUE(has_error("if size { keep; }", 1, 4, "needs :over or :under"));
  EXPECT_TRUE(has_error("if size :over \"x\" { keep; }", 1, 9, "needs a number"));
  EXPECT_TRUE(has_error("if header :is :contains \"a\" \"b\" { keep; }", 1, 15, "conflicts with ':is'"));
  EXPECT_TRUE(has_error("if header :frob \"a\" \"b\" { keep; }", 1, 11, "unknown tagged argument ':frob'"));
  EXPECT_TRUE(has_error("if header \"a\" :is \"b\" { keep; }", 1, 15, "after positional"));
  EXPECT_TRUE(has_error("if true keep;", 1, 9, "is a command"));
  EXPECT_TRUE(has_error("keep { stop; }", 1, 1, "takes no block"));
  EXPECT_TRUE(has_error("if true;", 1, 1, "needs a block"));
  EXPECT_TRUE(has_error("if (true) { keep; }", 1, 1, "exactly one test"));
  EXPECT_TRUE(has_error("if allof true { keep; }", 1, 4, "test list"));
  EXPECT_TRUE(has_error("stop true;", 1, 6, "takes no test"));
  EXPECT_TRUE(has_error("redirect \"not an address\";", 1, 10, "invalid redirect address"));
  EXPECT_TRUE(has_error("if exists \"bad name:\" { keep; }", 1, 11, "invalid header name"));
  EXPECT_TRUE(has_error("require \"envelope\";\nif envelope :is \"frm\" \"x\" { keep; }", 2, 17,
                        "unsupported envelope part"));
}

TEST(SieveValidator, Comparators) {
  EXPECT_TRUE(has_error("if header :comparator \"i;bogus\" \"a\" \"b\" { keep; }", 1, 23, "unknown comparator"));
  EXPECT_TRUE(has_error("if header :comparator \"i;ascii-numeric\" \"a\" \"1\" { keep; }", 1, 23,
                        "comparator-i;ascii-numeric"));
  EXPECT_TRUE(has_error("require \"comparator-i;ascii-numeric\";\n"
                        "if header :contains :comparator \"i;ascii-numeric\" \"a\" \"1\" { keep; }",
                        2, 4, "cannot be used with :contains"));
  EXPECT_TRUE(has_error("require \"relational\";\nif header :value \"bigger\" \"a\" \"1\" { keep; }", 2, 18,
                        "invalid relational operator"));
  EXPECT_TRUE(has_error("require \"index\";\nif header :last \"a\" \"1\" { keep; }", 2, 11, ":last needs :index"));
}

TEST(SieveValidator, ManyErrorsReportedUpToLimit) {
  std::string s;
  for (int i = 0; i < 50; ++i) s += "bogus;\n";
  auto e = errors_of(s);
  EXPECT_EQ(e.size(), 20u);
  EXPECT_EQ(e[19].line, 20);
}

TEST(SieveValidator, EncodedCharacter) {
  EXPECT_TRUE(has_error("require \"encoded-character\";\nredirect \"${unicode:D800}@x.y\";", 2, 10, "unicode"));
  EXPECT_NE(must_compile("require \"encoded-character\"; redirect \"${hex:61}@x.y\";"), nullptr);
  // Without the extension the text stays literal, so this is not an address.
  EXPECT_TRUE(has_error("redirect \"${hex:61 40 62 2e 63}\";", 1, 10, "invalid redirect address"));
}

}  // namespace
}  // namespace postamt::sieve
