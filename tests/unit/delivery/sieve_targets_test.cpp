// Sieve actions → store targets: INBOX. prefix mapping, fallbacks, discard, flags, unsupported actions.
#include "delivery/sieve_targets.hpp"

#include <gtest/gtest.h>

#include <set>

namespace postamt::delivery {
namespace {

using Kind = sieve::Action::Kind;

MailboxExists has(std::set<std::string> names) {
  return [names = std::move(names)](std::string_view n) { return names.count(std::string(n)) != 0; };
}

sieve::Action act(Kind k, std::string mailbox = {}, std::vector<std::string> flags = {}) {
  sieve::Action a;
  a.kind = k;
  a.mailbox = std::move(mailbox);
  a.flags = std::move(flags);
  return a;
}

TEST(MapFileintoMailbox, LiteralNameWins) {
  auto e = has({"INBOX", "INBOX.KNF", "KNF"});
  EXPECT_EQ(map_fileinto_mailbox("INBOX.KNF", e), "INBOX.KNF");
  EXPECT_EQ(map_fileinto_mailbox("KNF", e), "KNF");
}

TEST(MapFileintoMailbox, InboxDotPrefixMapsOntoHierarchy) {
  auto e = has({"INBOX", "KNF", "KNF/Kongress", "KNF/Technik"});
  EXPECT_EQ(map_fileinto_mailbox("INBOX.KNF.Kongress", e), "KNF/Kongress");
  EXPECT_EQ(map_fileinto_mailbox("inbox.KNF.Technik", e), "KNF/Technik");
  EXPECT_EQ(map_fileinto_mailbox("INBOX.KNF", e), "KNF");
}

TEST(MapFileintoMailbox, MissingFallsBackToInbox) {
  auto e = has({"INBOX", "KNF"});
  EXPECT_EQ(map_fileinto_mailbox("INBOX.KNF.Kongress", e), "INBOX");
  EXPECT_EQ(map_fileinto_mailbox("Nowhere", e), "INBOX");
  EXPECT_EQ(map_fileinto_mailbox("INBOX.", e), "INBOX");
  EXPECT_EQ(map_fileinto_mailbox("", e), "INBOX");
  EXPECT_EQ(map_fileinto_mailbox("INBOX", e), "INBOX");
}

TEST(SieveTargets, KeepFileintoDiscard) {
  auto e = has({"INBOX", "Lists"});
  auto d = sieve_targets({act(Kind::FileInto, "Lists", {"\\Seen"}), act(Kind::Keep)}, 7, "INBOX", e);
  ASSERT_EQ(d.targets.size(), 2u);
  EXPECT_EQ(d.targets[0].account, 7);
  EXPECT_EQ(d.targets[0].mailbox, "Lists");
  EXPECT_EQ(d.targets[0].flags, std::vector<std::string>{"\\Seen"});
  EXPECT_EQ(d.targets[1].mailbox, "INBOX");
  EXPECT_TRUE(d.redirects.empty() && d.create.empty() && !d.vacation && !d.reject);

  EXPECT_TRUE(sieve_targets({act(Kind::Discard)}, 7, "INBOX", e).targets.empty());
  EXPECT_TRUE(sieve_targets({}, 7, "INBOX", e).targets.empty());
}

TEST(SieveTargets, SameMailboxOnceFirstFlagsWin) {
  auto e = has({"INBOX"});
  auto d = sieve_targets({act(Kind::FileInto, "Missing", {"$a"}), act(Kind::Keep, {}, {"$b"})}, 1, "INBOX", e);
  ASSERT_EQ(d.targets.size(), 1u);
  EXPECT_EQ(d.targets[0].mailbox, "INBOX");
  EXPECT_EQ(d.targets[0].flags, std::vector<std::string>{"$a"});
}

TEST(SieveTargets, RedirectVacationRejectAreCarriedOut) {
  auto e = has({"INBOX", "Archive"});
  auto redirect = act(Kind::Redirect);
  redirect.address = "a@b.test";
  auto d = sieve_targets({redirect, act(Kind::Vacation)}, 1, "Archive", e);
  EXPECT_TRUE(d.targets.empty());  // the interpreter adds Keep when the implicit keep applies
  EXPECT_EQ(d.redirects, std::vector<std::string>{"a@b.test"});
  EXPECT_TRUE(d.vacation.has_value());
  auto r = sieve_targets({act(Kind::Ereject)}, 1, "INBOX", e);
  ASSERT_TRUE(r.reject.has_value());
  EXPECT_EQ(r.reject->kind, Kind::Ereject);
  EXPECT_TRUE(r.targets.empty());
}

TEST(SieveTargets, FileintoCreateNamesTheMissingMailbox) {
  auto e = has({"INBOX", "Lists"});
  auto create = [](std::string name) {
    auto a = act(Kind::FileInto, std::move(name));
    a.create = true;
    return a;
  };
  auto d = sieve_targets({create("INBOX.Lists.New"), create("Lists"), create("Other/Sub"), create("INBOX")}, 1,
                         "INBOX", e);
  EXPECT_EQ(d.create, (std::vector<std::string>{"Lists/New", "Other/Sub"}));
  ASSERT_EQ(d.targets.size(), 4u);
  EXPECT_EQ(d.targets[0].mailbox, "Lists/New");
  EXPECT_EQ(d.targets[1].mailbox, "Lists");
  EXPECT_EQ(d.targets[2].mailbox, "Other/Sub");
  EXPECT_EQ(d.targets[3].mailbox, "INBOX");
  EXPECT_EQ(created_mailbox_name("inbox.a.b"), "a/b");
  EXPECT_EQ(created_mailbox_name("a.b"), "a.b");
}

}  // namespace
}  // namespace postamt::delivery
