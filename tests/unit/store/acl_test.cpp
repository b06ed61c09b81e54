// ACLs in the store (RFC 4314): rights strings with the virtual "c"/"d" rights, per-mailbox entries
// united with "anyone", deleted with their mailbox, kept across renames, and the shares registry.
#include "store/acl.hpp"

#include "store_fixture.hpp"

namespace postamt::store::testing {
namespace {

TEST(AclRights, ParseCanonicalAndVirtual) {
  EXPECT_EQ(acl::parse_rights("rl"), std::optional<std::string>("lr"));
  EXPECT_EQ(acl::parse_rights("lrswida"), std::optional<std::string>("lrswitea"));  // RFC 4314 §2.1.1 example
  EXPECT_EQ(acl::parse_rights("cd"), std::optional<std::string>("kxte"));
  EXPECT_EQ(acl::parse_rights(""), std::optional<std::string>(""));
  EXPECT_FALSE(acl::parse_rights("lrQ"));  // uppercase is not allowed (§2)
  EXPECT_FALSE(acl::parse_rights("lrq"));
  EXPECT_FALSE(acl::parse_rights("l0"));  // site-defined digit rights are not supported
  EXPECT_EQ(acl::with_virtual("lrswipkxtea"), "lrswipkxteacd");
  EXPECT_EQ(acl::with_virtual("lr"), "lr");
  EXPECT_EQ(acl::with_virtual("lrt"), "lrtd");
  EXPECT_EQ(acl::unite("rl", "wl"), "lrw");
  EXPECT_EQ(acl::remove("lrswi", "sw"), "lri");
  EXPECT_TRUE(acl::has("lr", 'r'));
  EXPECT_FALSE(acl::has("lr", 'w'));
}

TEST_F(StoreTest, AclEntriesRightsAndShares) {
  store_->create_account(1);
  store_->create_account(2);
  Changes ch;
  store_->create_mailbox(1, "Shared", "", ch);
  EXPECT_TRUE(store_->acl(1, "Shared").empty());
  EXPECT_EQ(store_->rights(1, "Shared", "b@example.test"), std::optional<std::string>(""));
  EXPECT_FALSE(store_->rights(1, "Nope", "b@example.test"));
  EXPECT_THROW(store_->acl(1, "Nope"), NoSuchMailbox);
  EXPECT_TRUE(store_->sharing_accounts("b@example.test").empty());

  store_->set_acl(1, "Shared", "b@example.test", "lr");
  store_->set_acl(1, "Shared", "anyone", "s");
  auto entries = store_->acl(1, "Shared");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].identifier, "anyone");
  EXPECT_EQ(entries[1].rights, "lr");
  EXPECT_EQ(store_->rights(1, "Shared", "b@example.test"), std::optional<std::string>("lrs"));
  EXPECT_EQ(store_->rights(1, "Shared", "c@example.test"), std::optional<std::string>("s"));
  EXPECT_EQ(store_->rights(1, "INBOX", "b@example.test"), std::optional<std::string>(""));
  EXPECT_EQ(store_->sharing_accounts("b@example.test"), std::vector<AccountId>{1});
  EXPECT_EQ(store_->sharing_accounts("c@example.test"), std::vector<AccountId>{1});  // via anyone
  auto shared = store_->shared_mailboxes(1, "b@example.test");
  ASSERT_EQ(shared.size(), 1u);
  EXPECT_EQ(shared[0].info.name, "Shared");
  EXPECT_EQ(shared[0].rights, "lrs");

  // Rename keeps the ACL (RFC 4314 §4 RENAME); delete removes it (DELETE).
  store_->rename_mailbox(1, "Shared", "Team", ch);
  EXPECT_EQ(store_->rights(1, "Team", "b@example.test"), std::optional<std::string>("lrs"));
  store_->set_acl(1, "Team", "anyone", "");
  EXPECT_EQ(store_->acl(1, "Team").size(), 1u);
  EXPECT_TRUE(store_->sharing_accounts("c@example.test").empty());
  store_->delete_mailbox(1, "Team", ch);
  store_->create_mailbox(1, "Team", "", ch);
  EXPECT_TRUE(store_->acl(1, "Team").empty());
  reopen();
  EXPECT_TRUE(store_->shared_mailboxes(1, "b@example.test").empty());
  store_->delete_account(1);
  EXPECT_TRUE(store_->sharing_accounts("b@example.test").empty());
  EXPECT_TRUE(store_->shared_mailboxes(1, "b@example.test").empty());
}

}  // namespace
}  // namespace postamt::store::testing

namespace postamt::store::testing {
namespace {

// RFC 4314 §4 CREATE: a new mailbox (and the superior names created with it) inherits the ACL of the
// nearest existing parent; a top-level mailbox starts with none.
TEST_F(StoreTest, CreateInheritsTheNearestParentsAcl) {
  store_->create_account(1);
  Changes ch;
  store_->create_mailbox(1, "Team", "", ch);
  store_->set_acl(1, "Team", "b@example.test", "lrk");
  store_->set_acl(1, "Team", "anyone", "l");
  store_->create_mailbox(1, "Team/A/B", "", ch);
  for (const char* name : {"Team/A", "Team/A/B"}) {
    auto entries = store_->acl(1, name);
    ASSERT_EQ(entries.size(), 2u) << name;
    EXPECT_EQ(entries[0].identifier, "anyone");
    EXPECT_EQ(entries[1].rights, "lrk");
  }
  store_->create_mailbox(1, "Other", "", ch);
  EXPECT_TRUE(store_->acl(1, "Other").empty());
  // Changing the parent later does not touch its children's own ACLs.
  store_->set_acl(1, "Team", "b@example.test", "");
  EXPECT_EQ(store_->rights(1, "Team/A", "b@example.test"), std::optional<std::string>("lrk"));
}

// The public folders' account has no default mailboxes; subscriptions to foreign names are kept
// with the subscriber, bounded.
TEST_F(StoreTest, PublicAccountAndForeignSubscriptions) {
  store_->create_account(kPublicAccount);
  EXPECT_TRUE(store_->list_mailboxes(kPublicAccount).empty());
  store_->create_account(1);
  EXPECT_TRUE(store_->foreign_subscriptions(1).empty());
  store_->set_foreign_subscribed(1, "Shared Folders/News", true);
  store_->set_foreign_subscribed(1, "Other Users/a@example.test/X", true);
  store_->set_foreign_subscribed(1, "Shared Folders/News", true);
  EXPECT_EQ(store_->foreign_subscriptions(1),
            (std::vector<std::string>{"Other Users/a@example.test/X", "Shared Folders/News"}));
  store_->set_foreign_subscribed(1, "Shared Folders/News", false);
  EXPECT_EQ(store_->foreign_subscriptions(1).size(), 1u);
  for (std::size_t i = 1; i < MailStore::kMaxForeignSubscriptions; ++i)
    store_->set_foreign_subscribed(1, "Shared Folders/n" + std::to_string(i), true);
  EXPECT_THROW(store_->set_foreign_subscribed(1, "Shared Folders/one-too-many", true), Error);
}

}  // namespace
}  // namespace postamt::store::testing

namespace postamt::store::testing {
namespace {

// RFC 4314 §2: negative entries subtract from the union of the identifier's and anyone's rights.
TEST_F(StoreTest, NegativeEntriesTakeRightsAway) {
  store_->create_account(1);
  Changes ch;
  store_->create_mailbox(1, "Team", "", ch);
  store_->set_acl(1, "Team", "anyone", "lr");
  store_->set_acl(1, "Team", "b@example.test", "lrsw");
  store_->set_acl(1, "Team", "-b@example.test", "w");
  EXPECT_EQ(store_->rights(1, "Team", "b@example.test"), std::optional<std::string>("lrs"));
  EXPECT_EQ(store_->rights(1, "Team", "c@example.test"), std::optional<std::string>("lr"));
  store_->set_acl(1, "Team", "-anyone", "r");
  EXPECT_EQ(store_->rights(1, "Team", "b@example.test"), std::optional<std::string>("ls"));
  EXPECT_EQ(store_->rights(1, "Team", "c@example.test"), std::optional<std::string>("l"));
  EXPECT_EQ(store_->rights(1, "Team", "anyone"), std::optional<std::string>("l"));
}

}  // namespace
}  // namespace postamt::store::testing
