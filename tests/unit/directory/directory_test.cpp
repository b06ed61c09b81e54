// Directory storage: domains, users, aliases, authentication and schema migrations.
#include "directory/directory.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "common/sqlite.hpp"
#include "directory/password.hpp"
#include "directory/schema.hpp"
#include "temp_dir.hpp"

namespace postamt::directory {
namespace {

class DirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_ = hash_cost();
    set_hash_cost({1, 256, 1});
  }
  void TearDown() override { set_hash_cost(saved_); }
  testing::TempDir tmp_;
  HashCost saved_;
};

TEST_F(DirectoryTest, DomainsAreNormalisedUniqueAndListed) {
  auto d = Directory::open(tmp_.path());
  d.add_domain("Example.TEST");
  d.add_domain("other.test.");
  EXPECT_THROW(d.add_domain("example.test"), DataError);
  EXPECT_THROW(d.add_domain("bad domain"), DataError);
  EXPECT_THROW(d.add_domain(""), DataError);
  auto ds = d.domains();
  ASSERT_EQ(ds.size(), 2u);
  EXPECT_EQ(ds[0].name, "example.test");
  EXPECT_EQ(ds[1].name, "other.test");
  EXPECT_TRUE(d.is_local_domain("EXAMPLE.test"));
  EXPECT_TRUE(d.is_local_domain("example.test."));
  EXPECT_FALSE(d.is_local_domain("elsewhere.test"));
  EXPECT_FALSE(d.is_local_domain("not a domain"));
  EXPECT_TRUE(d.remove_domain("OTHER.test"));
  EXPECT_FALSE(d.remove_domain("other.test"));
  EXPECT_FALSE(d.remove_domain("!!"));
  EXPECT_EQ(d.domains().size(), 1u);
}

TEST_F(DirectoryTest, DomainRemovalRefusedWhileInUse) {
  auto d = Directory::open(tmp_.path());
  d.add_domain("example.test");
  d.add_user("anna@example.test", hash_password("pw"));
  EXPECT_THROW(d.remove_domain("example.test"), DataError);
  EXPECT_TRUE(d.remove_user("anna@example.test"));
  std::vector<std::string> targets{"someone@remote.test"};
  d.add_alias("team@example.test", targets);
  EXPECT_THROW(d.remove_domain("example.test"), DataError);
  EXPECT_TRUE(d.remove_alias("team@example.test"));
  EXPECT_TRUE(d.remove_domain("example.test"));
}

TEST_F(DirectoryTest, UsersNeedALocalDomainAndAreLowerCased) {
  auto d = Directory::open(tmp_.path());
  EXPECT_THROW(d.add_user("anna@example.test", "x"), DataError);
  d.add_domain("example.test");
  User u = d.add_user("Anna@Example.Test", "{PLAIN}pw");
  EXPECT_GT(u.id, 0);
  EXPECT_EQ(u.address, "anna@example.test");
  EXPECT_THROW(d.add_user("ANNA@example.test", "x"), DataError);
  EXPECT_THROW(d.add_user("not-an-address", "x"), DataError);
  EXPECT_THROW(d.add_user("bert@example.test", ""), DataError);
  auto f = d.find_user("ANNA@EXAMPLE.TEST");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->id, u.id);
  EXPECT_EQ(f->password_hash, "{PLAIN}pw");
  EXPECT_FALSE(d.find_user("bert@example.test"));
  EXPECT_FALSE(d.find_user("garbage"));
}

TEST_F(DirectoryTest, UserIdsAreNeverReused) {
  auto d = Directory::open(tmp_.path());
  d.add_domain("example.test");
  auto a = d.add_user("a@example.test", "x");
  auto b = d.add_user("b@example.test", "x");
  EXPECT_TRUE(d.remove_user("b@example.test"));
  auto c = d.add_user("c@example.test", "x");
  EXPECT_GT(c.id, b.id);
  EXPECT_NE(c.id, a.id);
}

TEST_F(DirectoryTest, ListUsersByDomain) {
  auto d = Directory::open(tmp_.path());
  d.add_domain("one.test");
  d.add_domain("two.test");
  d.add_user("b@one.test", "x");
  d.add_user("a@one.test", "x");
  d.add_user("c@two.test", "x");
  auto all = d.users();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].address, "a@one.test");
  EXPECT_EQ(all[2].address, "c@two.test");
  EXPECT_EQ(d.users("ONE.test").size(), 2u);
  EXPECT_EQ(d.users("two.test").size(), 1u);
  EXPECT_TRUE(d.users("three.test").empty());
}

TEST_F(DirectoryTest, PasswordsQuotaAndAuthentication) {
  auto d = Directory::open(tmp_.path());
  d.add_domain("example.test");
  d.add_user("anna@example.test", hash_password("old-secret"));
  ASSERT_TRUE(d.authenticate("anna@example.test", "old-secret"));
  EXPECT_TRUE(d.authenticate("Anna@Example.Test", "old-secret"));
  d.set_password("anna@example.test", hash_password("new-secret"));
  EXPECT_FALSE(d.authenticate("anna@example.test", "old-secret"));
  auto u = d.authenticate("anna@example.test", "new-secret");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->address, "anna@example.test");
  EXPECT_FALSE(d.authenticate("nobody@example.test", "new-secret"));
  EXPECT_FALSE(d.authenticate("", ""));
  EXPECT_THROW(d.set_password("nobody@example.test", "x"), NoSuchUser);
  EXPECT_THROW(d.set_password("anna@example.test", ""), DataError);
  d.set_quota("anna@example.test", 1u << 30);
  EXPECT_EQ(d.find_user("anna@example.test")->quota_bytes, 1u << 30);
  EXPECT_THROW(d.set_quota("nobody@example.test", 1), NoSuchUser);
  // Imported Dovecot hashes authenticate too.
  d.add_user("imported@example.test",
             "{SHA512-CRYPT}$6$HWjh9joanfLtDA5e$ulF8ozW/9TBzmW7Kjyf5.uZVShRt1gsBXgP46eqjDM6TXDOCAazKL3MdEvDF3YVLA25P0jXez2On4ZBBUujVO/");
  EXPECT_TRUE(d.authenticate("imported@example.test", "secret"));
  EXPECT_FALSE(d.authenticate("imported@example.test", "Secret"));
}

TEST_F(DirectoryTest, AliasesAreValidatedMergedAndListed) {
  auto d = Directory::open(tmp_.path());
  d.add_domain("example.test");
  std::vector<std::string> t1{"Anna@Example.Test", "Bob@Remote.Test"};
  EXPECT_THROW(d.add_alias("team@unknown.test", t1), DataError);
  EXPECT_THROW(d.add_alias("team@example.test", std::vector<std::string>{}), DataError);
  EXPECT_THROW(d.add_alias("team@example.test", std::vector<std::string>{"not an address"}), DataError);
  EXPECT_THROW(d.add_alias("team@example.test", std::vector<std::string>{"@example.test"}), DataError);
  d.add_alias("Team@Example.Test", t1);
  d.add_alias("team@example.test", std::vector<std::string>{"carl@example.test", "anna@example.test"});
  d.add_alias("@example.test", std::vector<std::string>{"anna@example.test"});
  auto as = d.aliases();
  ASSERT_EQ(as.size(), 2u);
  EXPECT_EQ(as[0].source, "@example.test");
  EXPECT_EQ(as[1].source, "team@example.test");
  // Local targets lower-cased; the remote local part keeps its case (RFC 5321 §2.4); order kept.
  EXPECT_EQ(as[1].targets, (std::vector<std::string>{"anna@example.test", "Bob@remote.test", "carl@example.test"}));
  auto f = d.find_alias("TEAM@example.test");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->targets.size(), 3u);
  EXPECT_TRUE(d.find_alias("@EXAMPLE.test"));
  EXPECT_FALSE(d.find_alias("nobody@example.test"));
  EXPECT_TRUE(d.remove_alias("@example.test"));
  EXPECT_FALSE(d.remove_alias("@example.test"));
  EXPECT_FALSE(d.remove_alias("junk"));
}

TEST_F(DirectoryTest, MigrationsAreIdempotentAndDataSurvivesReopen) {
  {
    auto d = Directory::open(tmp_.path());
    d.add_domain("example.test");
    d.add_user("anna@example.test", "x");
  }
  for (int i = 0; i < 3; ++i) {
    auto d = Directory::open(tmp_.path());
    EXPECT_EQ(sqlite::schema_version(d.database(), Directory::kComponent), static_cast<int>(migrations().size()));
    EXPECT_TRUE(d.find_user("anna@example.test"));
    EXPECT_EQ(d.domains().size(), 1u);
  }
  struct stat st {};
  ASSERT_EQ(::stat((tmp_.path() / Directory::kFileName).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0007, 0u) << "the database holds password hashes: no access for others";
}

TEST_F(DirectoryTest, NewerSchemaIsRefused) {
  {
    auto d = Directory::open(tmp_.path());
    d.database().exec("UPDATE schema_versions SET version = 99 WHERE component = 'directory'");
  }
  EXPECT_THROW(Directory::open(tmp_.path()), sqlite::Error);
}

TEST_F(DirectoryTest, ScramSecretIsStoredAndClearedByPasswordChange) {
  auto dir = Directory::open(tmp_.path());
  dir.add_domain("example.test");
  dir.add_user("a@example.test", "{PLAIN}x");
  EXPECT_FALSE(dir.scram_secret("a@example.test"));
  dir.set_scram_secret("A@Example.test", "{SCRAM-SHA-256}4096,c2FsdA==,a,b");
  EXPECT_EQ(dir.scram_secret("a@example.test").value_or(""), "{SCRAM-SHA-256}4096,c2FsdA==,a,b");
  dir.set_password("a@example.test", "{PLAIN}y");
  EXPECT_FALSE(dir.scram_secret("a@example.test"));
  EXPECT_THROW(dir.set_scram_secret("nobody@example.test", "x"), NoSuchUser);
}

}  // namespace
}  // namespace postamt::directory
