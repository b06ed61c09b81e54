// Recipient resolution: case folding, +tags, aliases (one, many, nested, loops, depth limit),
// catch-all, remote targets, unknown users and foreign domains.
#include <gtest/gtest.h>

#include <algorithm>

#include "directory/directory.hpp"
#include "temp_dir.hpp"

namespace postamt::directory {
namespace {

using Status = Resolution::Status;

class ResolveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    d_.add_domain("example.test");
    d_.add_domain("second.test");
    anna_ = d_.add_user("anna@example.test", "x").id;
    bert_ = d_.add_user("bert@example.test", "x").id;
    carl_ = d_.add_user("carl@second.test", "x").id;
  }
  void alias(const std::string& src, std::vector<std::string> targets) { d_.add_alias(src, targets); }
  static std::vector<std::int64_t> ids(const Resolution& r) {
    std::vector<std::int64_t> out;
    for (const auto& u : r.users) out.push_back(u.id);
    std::sort(out.begin(), out.end());
    return out;
  }
  std::vector<std::int64_t> sorted(std::vector<std::int64_t> v) {
    std::sort(v.begin(), v.end());
    return v;
  }

  testing::TempDir tmp_;
  Directory d_ = Directory::open(tmp_.path());
  std::int64_t anna_ = 0, bert_ = 0, carl_ = 0;
};

TEST_F(ResolveTest, PlainUserAnyCase) {
  for (const char* rcpt : {"anna@example.test", "ANNA@Example.TEST", "<anna@example.test>", "anna@example.test."}) {
    auto r = d_.resolve(rcpt);
    EXPECT_EQ(r.status, Status::Local) << rcpt;
    EXPECT_EQ(ids(r), std::vector<std::int64_t>{anna_}) << rcpt;
    EXPECT_TRUE(r.remote.empty());
  }
}

TEST_F(ResolveTest, SubaddressTagsGoToTheUser) {
  EXPECT_EQ(ids(d_.resolve("anna+lists@example.test")), std::vector<std::int64_t>{anna_});
  EXPECT_EQ(ids(d_.resolve("Anna+Lists+more@example.test")), std::vector<std::int64_t>{anna_});
  EXPECT_EQ(ids(d_.resolve("anna-lists@example.test", '-')), std::vector<std::int64_t>{anna_});
  // Without a delimiter, or with a different one, the tag is part of the name.
  EXPECT_EQ(d_.resolve("anna+lists@example.test", '\0').status, Status::UnknownUser);
  EXPECT_EQ(d_.resolve("anna+lists@example.test", '-').status, Status::UnknownUser);
  // "+tag" alone is not a user.
  EXPECT_EQ(d_.resolve("+anna@example.test").status, Status::UnknownUser);
  // An exact user whose name contains the delimiter wins over stripping.
  auto plus = d_.add_user("anna+x@example.test", "x").id;
  EXPECT_EQ(ids(d_.resolve("anna+x@example.test")), std::vector<std::int64_t>{plus});
}

TEST_F(ResolveTest, UnknownUserAndForeignDomain) {
  auto r = d_.resolve("nobody@example.test");
  EXPECT_EQ(r.status, Status::UnknownUser);
  EXPECT_TRUE(r.users.empty());
  EXPECT_NE(r.reason.find("nobody@example.test"), std::string::npos) << r.reason;
  auto f = d_.resolve("anna@elsewhere.test");
  EXPECT_EQ(f.status, Status::NotLocal);
  EXPECT_NE(f.reason.find("elsewhere.test"), std::string::npos) << f.reason;
  EXPECT_EQ(d_.resolve("anna@[127.0.0.1]").status, Status::UnknownUser);  // malformed for us
  EXPECT_EQ(d_.resolve("").status, Status::UnknownUser);
  EXPECT_EQ(d_.resolve("no-at-sign").status, Status::UnknownUser);
}

TEST_F(ResolveTest, AliasToOneAndToMany) {
  alias("info@example.test", {"anna@example.test"});
  alias("team@example.test", {"anna@example.test", "bert@example.test", "carl@second.test"});
  EXPECT_EQ(ids(d_.resolve("INFO@example.test")), std::vector<std::int64_t>{anna_});
  auto r = d_.resolve("team@example.test");
  EXPECT_EQ(r.status, Status::Local);
  EXPECT_EQ(ids(r), sorted({anna_, bert_, carl_}));
  // Tags work on aliases too.
  EXPECT_EQ(ids(d_.resolve("team+x@example.test")), sorted({anna_, bert_, carl_}));
}

TEST_F(ResolveTest, RemoteTargetsAreReportedSeparately) {
  alias("fwd@example.test", {"Someone@Remote.Test", "anna@example.test", "someone@remote.test"});
  auto r = d_.resolve("fwd@example.test");
  EXPECT_EQ(r.status, Status::Local);
  EXPECT_EQ(ids(r), std::vector<std::int64_t>{anna_});
  EXPECT_EQ(r.remote, std::vector<std::string>{"Someone@remote.test"});
  alias("away@example.test", {"x@remote.test"});
  auto only_remote = d_.resolve("away@example.test");
  EXPECT_EQ(only_remote.status, Status::Local);
  EXPECT_TRUE(only_remote.users.empty());
  EXPECT_EQ(only_remote.remote, std::vector<std::string>{"x@remote.test"});
}

TEST_F(ResolveTest, NestedAliasesAndDeduplication) {
  alias("a@example.test", {"b@example.test", "anna@example.test"});
  alias("b@example.test", {"c@example.test", "anna+tag@example.test"});
  alias("c@example.test", {"bert@example.test", "anna@example.test"});
  auto r = d_.resolve("a@example.test");
  EXPECT_EQ(r.status, Status::Local);
  EXPECT_EQ(r.users.size(), 2u);
  EXPECT_EQ(ids(r), sorted({anna_, bert_}));
}

TEST_F(ResolveTest, LoopsTerminate) {
  alias("x@example.test", {"y@example.test"});
  alias("y@example.test", {"x@example.test"});
  auto r = d_.resolve("x@example.test");
  EXPECT_EQ(r.status, Status::UnknownUser);
  EXPECT_TRUE(r.users.empty());
  // A loop with a user in it delivers to that user once.
  alias("p@example.test", {"q@example.test", "anna@example.test"});
  alias("q@example.test", {"p@example.test", "anna@example.test"});
  EXPECT_EQ(ids(d_.resolve("p@example.test")), std::vector<std::int64_t>{anna_});
}

TEST_F(ResolveTest, AliasOnAUsersOwnAddressKeepsACopyWhenItNamesTheUser) {
  // Postfix semantics: the alias wins; naming the user's own address keeps local delivery.
  alias("anna@example.test", {"anna@example.test", "bert@example.test"});
  EXPECT_EQ(ids(d_.resolve("anna@example.test")), sorted({anna_, bert_}));
  alias("bert@example.test", {"carl@second.test"});
  EXPECT_EQ(ids(d_.resolve("bert@example.test")), std::vector<std::int64_t>{carl_});
}

TEST_F(ResolveTest, DepthLimit) {
  // Ten nested aliases still resolve; eleven do not.
  for (int i = 0; i < 10; ++i) alias("l" + std::to_string(i) + "@example.test", {"l" + std::to_string(i + 1) + "@example.test"});
  alias("l10@example.test", {"anna@example.test"});
  EXPECT_EQ(ids(d_.resolve("l1@example.test")), std::vector<std::int64_t>{anna_});
  auto r = d_.resolve("l0@example.test");
  EXPECT_EQ(r.status, Status::UnknownUser);
  EXPECT_TRUE(r.users.empty());
  EXPECT_NE(r.reason.find("deeper"), std::string::npos) << r.reason;
}

TEST_F(ResolveTest, CatchAllComesLast) {
  alias("@example.test", {"bert@example.test"});
  EXPECT_EQ(ids(d_.resolve("whoever@example.test")), std::vector<std::int64_t>{bert_});
  EXPECT_EQ(ids(d_.resolve("\"odd name\"@example.test")), std::vector<std::int64_t>{bert_});
  // Existing users and aliases are not captured by the catch-all.
  EXPECT_EQ(ids(d_.resolve("anna@example.test")), std::vector<std::int64_t>{anna_});
  EXPECT_EQ(ids(d_.resolve("anna+tag@example.test")), std::vector<std::int64_t>{anna_});
  alias("sales@example.test", {"carl@second.test"});
  EXPECT_EQ(ids(d_.resolve("sales@example.test")), std::vector<std::int64_t>{carl_});
  // An alias whose target is unknown in a catch-all domain falls into the catch-all.
  alias("old@example.test", {"gone@example.test"});
  EXPECT_EQ(ids(d_.resolve("old@example.test")), std::vector<std::int64_t>{bert_});
  // Other domains are unaffected.
  EXPECT_EQ(d_.resolve("whoever@second.test").status, Status::UnknownUser);
}

TEST_F(ResolveTest, CatchAllPointingIntoItsOwnDomainTerminates) {
  alias("@example.test", {"nobody@example.test"});
  auto r = d_.resolve("whoever@example.test");
  EXPECT_EQ(r.status, Status::UnknownUser);
}

TEST_F(ResolveTest, BarePostmaster) {
  auto pm = d_.add_user("postmaster@example.test", "x").id;
  EXPECT_EQ(ids(d_.resolve("Postmaster")), std::vector<std::int64_t>{pm});
  EXPECT_EQ(ids(d_.resolve("<postmaster>")), std::vector<std::int64_t>{pm});
}

TEST_F(ResolveTest, GarbageNeverThrows) {
  alias("@example.test", {"anna@example.test"});
  std::uint32_t x = 12345;
  const std::string alphabet = std::string("@<>\"\\.+- aZ\0\xff", 14) + "example.test";
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    int len = static_cast<int>(x % 40);
    for (int j = 0; j < len; ++j) {
      x = x * 1103515245u + 12345u;
      s += alphabet[(x >> 16) % alphabet.size()];
    }
    x = x * 1103515245u + 12345u;
    Resolution r;
    ASSERT_NO_THROW(r = d_.resolve(s)) << s;
    if (r.status == Status::Local) EXPECT_FALSE(r.users.empty() && r.remote.empty());
    else EXPECT_FALSE(r.reason.empty());
  }
}

}  // namespace
}  // namespace postamt::directory
