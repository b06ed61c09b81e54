// METADATA in the store (RFC 5464): /shared one value and /private per user, NIL deletes (§4.3),
// limits all-or-nothing (§4.3), entries go with their mailbox on DELETE and RENAME and are copied on
// RENAME INBOX (§4.1), server entries split between the user's index and the server-wide registry.
#include "store/metadata.hpp"

#include "store_fixture.hpp"

namespace postamt::store::testing {
namespace {

using metadata::Change;
using metadata::Entry;
constexpr std::string_view kDemo = "demo@example.test", kBob = "bob@example.test";

class MetadataTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    store_->create_account(1);
    store_->create_account(2);
    Changes ch;
    store_->create_mailbox(1, "Projects", "", ch);
  }
  void set(AccountId a, std::string_view box, std::string_view user, std::vector<Change> changes) {
    store_->set_metadata(a, box, user, changes);
  }
  std::vector<Entry> get(AccountId a, std::string_view box, std::string_view user) {
    return store_->metadata(a, box, user);
  }
};

TEST_F(MetadataTest, SharedOnePrivatePerUserNilDeletes) {
  set(1, "Projects", kDemo, {{"/shared/comment", "for all"}, {"/private/comment", "mine"}});
  set(1, "Projects", kBob, {{"/private/comment", "bob's"}});
  EXPECT_EQ(get(1, "Projects", kDemo),
            (std::vector<Entry>{{"/private/comment", "mine"}, {"/shared/comment", "for all"}}));
  EXPECT_EQ(get(1, "Projects", kBob),
            (std::vector<Entry>{{"/private/comment", "bob's"}, {"/shared/comment", "for all"}}));
  set(1, "Projects", kBob, {{"/shared/comment", std::string("a\r\nb\0c", 6)}});  // binary kept
  EXPECT_EQ(get(1, "Projects", kDemo)[1].value, std::string("a\r\nb\0c", 6));
  set(1, "Projects", kDemo, {{"/shared/comment", std::nullopt}, {"/private/absent", std::nullopt}});
  EXPECT_EQ(get(1, "Projects", kDemo), (std::vector<Entry>{{"/private/comment", "mine"}}));
  EXPECT_TRUE(get(1, "INBOX", kDemo).empty());  // per mailbox
  EXPECT_TRUE(get(1, "", kDemo).empty());       // the server's entries are separate
  EXPECT_THROW(get(1, "Nope", kDemo), NoSuchMailbox);
  EXPECT_THROW(set(1, "Nope", kDemo, {{"/shared/comment", "x"}}), NoSuchMailbox);
  reopen();
  EXPECT_EQ(get(1, "Projects", kBob).size(), 1u);  // durable
}

TEST_F(MetadataTest, LimitsRefuseTheWholeCommand) {
  set(1, "Projects", "u", {{"/shared/old", "keep"}});
  try {
    set(1, "Projects", "u", {{"/shared/a", "x"}, {"/shared/old", std::nullopt},
                             {"/shared/b", std::string(metadata::kMaxValueSize + 1, 'x')}});
    FAIL() << "expected TooBig";
  } catch (const metadata::TooBig& e) {
    EXPECT_EQ(e.max(), metadata::kMaxValueSize);
  }
  EXPECT_EQ(get(1, "Projects", "u"), (std::vector<Entry>{{"/shared/old", "keep"}}));  // nothing changed
  set(1, "Projects", "u", {{"/shared/old", std::nullopt}});
  std::vector<Change> many;
  for (std::size_t i = 0; i <= metadata::kMaxEntries; ++i) many.push_back({"/private/e" + std::to_string(i), "v"});
  EXPECT_THROW(set(1, "Projects", "u", many), metadata::TooMany);
  EXPECT_TRUE(get(1, "Projects", "u").empty());
  many.pop_back();
  set(1, "Projects", "u", many);  // exactly the limit
  EXPECT_EQ(get(1, "Projects", "u").size(), metadata::kMaxEntries);
  EXPECT_THROW(set(1, "Projects", "u", {{"/private/one-more", "v"}}), metadata::TooMany);
  set(1, "Projects", "u", {{"/private/e0", "replaced"}});  // replacing at the limit is fine
  // Another user's private entries and the shared ones are counted on their own.
  set(1, "Projects", "other", {{"/private/x", "v"}});
  set(1, "Projects", "u2", {{"/shared/x", "v"}});
}

TEST_F(MetadataTest, DeleteDropsRenameKeepsInboxRenameCopies) {
  set(1, "Projects", kDemo, {{"/shared/comment", "p"}, {"/private/comment", "pp"}});
  set(1, "Projects", kBob, {{"/private/comment", "bob"}});
  Changes ch;
  store_->rename_mailbox(1, "Projects", "Work", ch);
  EXPECT_EQ(get(1, "Work", kDemo).size(), 2u);
  EXPECT_EQ(get(1, "Work", kBob).size(), 2u);
  store_->delete_mailbox(1, "Work", ch);
  store_->create_mailbox(1, "Work", "", ch);
  EXPECT_TRUE(get(1, "Work", kDemo).empty());  // a new mailbox of the old name inherits nothing
  EXPECT_TRUE(get(1, "Work", kBob).empty());

  set(1, "INBOX", kDemo, {{"/shared/comment", "inbox"}, {"/private/comment", "mine"}});
  store_->rename_mailbox(1, "INBOX", "Old Inbox", ch);
  EXPECT_EQ(get(1, "Old Inbox", kDemo), get(1, "INBOX", kDemo));  // copied, and INBOX keeps them
  EXPECT_EQ(get(1, "INBOX", kDemo).size(), 2u);
}

TEST_F(MetadataTest, ServerEntriesPrivatePerAccountSharedServerWide) {
  set(1, "", kDemo, {{"/shared/comment", "server note"}, {"/private/vendor/x/y", "demo's"}});
  set(2, "", kBob, {{"/private/vendor/x/y", "bob's"}});
  EXPECT_EQ(get(1, "", kDemo),
            (std::vector<Entry>{{"/private/vendor/x/y", "demo's"}, {"/shared/comment", "server note"}}));
  EXPECT_EQ(get(2, "", kBob),
            (std::vector<Entry>{{"/private/vendor/x/y", "bob's"}, {"/shared/comment", "server note"}}));
  EXPECT_TRUE(get(1, "INBOX", kDemo).empty());
  // All or nothing across both databases: a too-big /shared value keeps the /private one out too.
  EXPECT_THROW(set(1, "", kDemo, {{"/private/new", "x"}, {"/shared/big", std::string(metadata::kMaxValueSize + 1, 'x')}}),
               metadata::TooBig);
  EXPECT_EQ(get(1, "", kDemo).size(), 2u);
  reopen();
  EXPECT_EQ(get(2, "", kBob).size(), 2u);
  store_->delete_account(1);
  EXPECT_EQ(get(2, "", kBob).size(), 2u);  // the server's /shared entries outlive any account
}

// A data directory of a version before METADATA: the index and the shares registry are upgraded
// when first opened (DESIGN.md "Schema versions").
TEST_F(MetadataTest, OlderDataDirectoryIsUpgraded) {
  set(1, "", kDemo, {{"/shared/comment", "s"}});  // creates DATA/shares.sqlite
  store_.reset();
  {
    auto index = sqlite::Database::open((dir_ / "accounts" / "1" / "index.sqlite").string());
    index.exec("DROP TRIGGER metadata_mailbox_delete; DROP TABLE metadata; "
               "DELETE FROM schema_versions WHERE component = 'metadata'");
    auto shares = sqlite::Database::open((dir_ / "shares.sqlite").string());
    shares.exec("DROP TABLE metadata; UPDATE schema_versions SET version = 1 WHERE component = 'shares'");
  }
  reopen();
  EXPECT_TRUE(get(1, "Projects", kDemo).empty());
  set(1, "Projects", kDemo, {{"/shared/comment", "p"}});
  set(1, "", kDemo, {{"/shared/comment", "s2"}});
  EXPECT_EQ(get(1, "Projects", kDemo), (std::vector<Entry>{{"/shared/comment", "p"}}));
  EXPECT_EQ(get(2, "", kBob), (std::vector<Entry>{{"/shared/comment", "s2"}}));
  Changes ch;
  store_->delete_mailbox(1, "Projects", ch);  // the trigger is back
  store_->create_mailbox(1, "Projects", "", ch);
  EXPECT_TRUE(get(1, "Projects", kDemo).empty());
}

}  // namespace
}  // namespace postamt::store::testing
