// Command parser: every command's happy path (typed fields checked) and malformed forms
// (clear reasons), fed through the Receiver so literals are framed as on the wire.
#include "imap/protocol/parser.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace std::string_literals;

#include "imap/protocol/receiver.hpp"
#include "parse_support.hpp"

namespace postamt::imap::protocol {
namespace {

using testing::get;
using testing::parse;
using testing::parse_wire;

struct Accept {
  std::string text;
  std::size_t index;  // expected variant alternative
};

class AcceptTable : public ::testing::TestWithParam<Accept> {};
TEST_P(AcceptTable, Parses) {
  auto r = parse(GetParam().text);
  ASSERT_TRUE(r.ok()) << GetParam().text << " -> " << r.error;
  EXPECT_EQ(r.command->index(), GetParam().index) << GetParam().text;
}

template <typename T>
constexpr std::size_t idx() {
  return Command(T{}).index();
}

INSTANTIATE_TEST_SUITE_P(
    Parser, AcceptTable,
    ::testing::Values(
        Accept{"CAPABILITY", idx<Capability>()}, Accept{"noop", idx<Noop>()},
        Accept{"LOGOUT", idx<Logout>()}, Accept{"STARTTLS", idx<StartTls>()},
        Accept{"CHECK", idx<Check>()}, Accept{"AUTHENTICATE PLAIN", idx<Authenticate>()},
        Accept{"AUTHENTICATE PLAIN AGpvZQBzZWNyZXQ=", idx<Authenticate>()},
        Accept{"LOGIN joe secret", idx<Login>()}, Accept{"ENABLE CONDSTORE UTF8=ACCEPT", idx<Enable>()},
        Accept{"SELECT INBOX", idx<Select>()}, Accept{"EXAMINE \"Sent Items\"", idx<Select>()},
        Accept{"SELECT INBOX (CONDSTORE)", idx<Select>()},
        Accept{"SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))", idx<Select>()},
        Accept{"CREATE foo/bar", idx<Create>()}, Accept{"CREATE Drafts (USE (\\Drafts))", idx<Create>()},
        Accept{"DELETE foo", idx<Delete>()}, Accept{"RENAME a b", idx<Rename>()},
        Accept{"SUBSCRIBE a", idx<Subscribe>()}, Accept{"UNSUBSCRIBE a", idx<Unsubscribe>()},
        Accept{"LIST \"\" *", idx<List>()}, Accept{"LIST \"\" \"\"", idx<List>()},
        Accept{"LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (INBOX* %/Drafts) RETURN (CHILDREN)", idx<List>()},
        Accept{"LSUB \"\" *", idx<Lsub>()}, Accept{"NAMESPACE", idx<Namespace>()},
        Accept{"STATUS INBOX (MESSAGES UNSEEN)", idx<Status>()},
        Accept{"APPEND INBOX {3+}\r\nabc", idx<Append>()}, Accept{"IDLE", idx<Idle>()},
        Accept{"CLOSE", idx<Close>()}, Accept{"UNSELECT", idx<Unselect>()},
        Accept{"EXPUNGE", idx<Expunge>()}, Accept{"UID EXPUNGE 1:5", idx<Expunge>()},
        Accept{"SEARCH ALL", idx<Search>()}, Accept{"UID SEARCH UID 1:*", idx<Search>()},
        Accept{"FETCH 1 FLAGS", idx<Fetch>()}, Accept{"UID FETCH 1:* (UID FLAGS)", idx<Fetch>()},
        Accept{"STORE 1 +FLAGS (\\Seen)", idx<Store>()}, Accept{"UID STORE 1 FLAGS \\Seen", idx<Store>()},
        Accept{"COPY 1:3 Trash", idx<Copy>()}, Accept{"UID COPY 1 Trash", idx<Copy>()},
        Accept{"MOVE 1 Trash", idx<Move>()}, Accept{"UID MOVE 1 Trash", idx<Move>()},
        Accept{"ID NIL", idx<Id>()}, Accept{"ID (\"name\" \"x\")", idx<Id>()},
        Accept{"GETQUOTA \"\"", idx<GetQuota>()}, Accept{"GETQUOTAROOT INBOX", idx<GetQuotaRoot>()},
        Accept{"SETQUOTA \"\" (STORAGE 512)", idx<SetQuota>()}, Accept{"GETACL INBOX", idx<GetAcl>()},
        Accept{"SETACL INBOX fred +rw", idx<SetAcl>()}, Accept{"DELETEACL INBOX fred", idx<DeleteAcl>()},
        Accept{"LISTRIGHTS INBOX fred", idx<ListRights>()}, Accept{"MYRIGHTS INBOX", idx<MyRights>()}));

struct Reject {
  std::string text;
  std::string reason;  // substring of the error
};

class RejectTable : public ::testing::TestWithParam<Reject> {};
TEST_P(RejectTable, GivesReason) {
  auto r = parse(GetParam().text);
  ASSERT_FALSE(r.ok()) << GetParam().text;
  EXPECT_NE(r.error.find(GetParam().reason), std::string::npos)
      << GetParam().text << " -> " << r.error;
}

INSTANTIATE_TEST_SUITE_P(
    Parser, RejectTable,
    ::testing::Values(
        Reject{"FOO", "Unknown command FOO"}, Reject{"UID FOO 1", "Unknown UID command FOO"},
        Reject{"UID", "Missing UID command"}, Reject{"NOOP extra", "Unexpected extra arguments to NOOP"},
        Reject{"CAPABILITY x", "Unexpected extra"}, Reject{"LOGIN joe", "Missing password"},
        Reject{"LOGIN", "Missing user name"}, Reject{"LOGIN joe  secret", "Missing password"},
        Reject{"LOGIN \"joe secret", "Missing closing '\"'"}, Reject{"LOGIN \"jo\\e\" x", "Invalid escape"},
        Reject{"LOGIN joe secret extra", "Unexpected extra arguments to LOGIN"},
        Reject{"AUTHENTICATE", "Missing SASL mechanism"}, Reject{"AUTHENTICATE PLAIN a*b=", "Invalid base64"},
        Reject{"AUTHENTICATE PLAIN abc", "Invalid base64 length"}, Reject{"ENABLE", "Missing capability"},
        Reject{"SELECT", "Missing mailbox"}, Reject{"SELECT INBOX (FOO)", "Unknown SELECT parameter FOO"},
        Reject{"EXAMINE INBOX (FOO)", "Unknown EXAMINE parameter FOO"},
        Reject{"SELECT INBOX (CONDSTORE", "Missing ')' in SELECT parameters"},
        Reject{"SELECT INBOX (QRESYNC (0 1))", "Zero is not allowed"},
        Reject{"SELECT INBOX (QRESYNC (1 5 1:*))", "not allowed in QRESYNC"},
        Reject{"CREATE x (USE (Drafts))", "'\\'"}, Reject{"CREATE x (FOO)", "Unknown CREATE parameter"},
        Reject{"RENAME a", "Missing new mailbox name"}, Reject{"DELETE", "Missing mailbox"},
        Reject{"LIST \"\"", "Missing LIST mailbox pattern"}, Reject{"LIST (BOGUS) \"\" *", "Unknown LIST selection option BOGUS"},
        Reject{"LIST (RECURSIVEMATCH) \"\" *", "RECURSIVEMATCH needs"},
        Reject{"LIST \"\" * RETURN (FOO)", "Unknown LIST return option FOO"},
        Reject{"LIST \"\" * FOO", "Expected RETURN"}, Reject{"LIST \"\" (a b", "Missing ')' in LIST patterns"},
        Reject{"STATUS INBOX (FOO)", "Unknown STATUS item FOO"}, Reject{"STATUS INBOX MESSAGES", "'('"},
        Reject{"STATUS INBOX (MESSAGES", "Missing ')' in STATUS items"},
        Reject{"APPEND INBOX", "Missing APPEND message"}, Reject{"APPEND INBOX abc", "must be a literal"},
        Reject{"APPEND INBOX (\\Seen {1+}\r\na", "flag"}, Reject{"APPEND INBOX \"bad date\" {1+}\r\na", "Invalid APPEND date-time"},
        Reject{"APPEND INBOX UTF8 ({1+}\r\na)", "literal8"}, Reject{"APPEND INBOX {2+}\r\na\0"s, "NUL octet in literal"},
        Reject{"UID EXPUNGE", "Missing UID set"}, Reject{"FETCH", "Missing sequence set"},
        Reject{"FETCH 0 FLAGS", "Zero is not allowed"}, Reject{"FETCH 1:x FLAGS", "Invalid sequence set"},
        Reject{"STORE 1 FLAGS.LOUD (\\Seen)", "Unknown STORE data item"}, Reject{"STORE 1 +FLAGS (\\Seen", "Missing ')' in flag list"},
        Reject{"STORE 1 FLAGS (\\Recent)", "\\Recent cannot be set"}, Reject{"STORE 1 (UNCHANGEDSINCE) FLAGS x", "Missing UNCHANGEDSINCE"},
        Reject{"STORE 1 (FOO 1) FLAGS x", "Unknown STORE modifier"}, Reject{"COPY 1", "Missing destination mailbox"},
        Reject{"MOVE x y", "Invalid sequence set"}, Reject{"ID", "Missing ID parameter list"},
        Reject{"ID (\"a\")", "Missing ID value"}, Reject{"ID (\"a\" \"b\"", "Missing ')' in ID parameter list"},
        Reject{"SETQUOTA \"\" (STORAGE)", "Missing quota resource limit"}, Reject{"SETACL INBOX fred", "Missing ACL rights"},
        Reject{"LISTRIGHTS INBOX", "Missing ACL identifier"}, Reject{"MYRIGHTS", "Missing mailbox"},
        Reject{"GETQUOTAROOT", "Missing mailbox"}, Reject{"SEARCH", "Missing SEARCH criteria"}));

TEST(Parser, Authenticate) {
  auto a = get<Authenticate>("AUTHENTICATE plain");
  EXPECT_EQ(a.mechanism, "PLAIN");
  EXPECT_FALSE(a.initial_response);
  a = get<Authenticate>("AUTHENTICATE PLAIN =");
  ASSERT_TRUE(a.initial_response);
  EXPECT_EQ(*a.initial_response, "");
  a = get<Authenticate>("AUTHENTICATE PLAIN AGpvZQBzZWNyZXQ=");
  EXPECT_EQ(*a.initial_response, "AGpvZQBzZWNyZXQ=");
}

TEST(Parser, LoginWithQuotedAndLiterals) {
  auto r = parse_wire("a LOGIN {3}\r\njoe \"p\\\"w\\\\\"\r\n");
  ASSERT_TRUE(r.ok()) << r.error;
  auto l = std::get<Login>(*r.command);
  EXPECT_EQ(l.user, "joe");
  EXPECT_EQ(l.password, "p\"w\\");
}

TEST(Parser, SelectQresync) {
  auto s = get<Select>("SELECT inbox (CONDSTORE QRESYNC (67890007 20050715194045000 41,43:211 (1:10 100:109)))");
  EXPECT_EQ(s.mailbox, "INBOX");
  EXPECT_FALSE(s.read_only);
  EXPECT_TRUE(s.condstore);
  ASSERT_TRUE(s.qresync);
  EXPECT_EQ(s.qresync->uidvalidity, 67890007u);
  EXPECT_EQ(s.qresync->modseq, 20050715194045000u);
  ASSERT_TRUE(s.qresync->known_uids);
  EXPECT_EQ(to_string(*s.qresync->known_uids), "41,43:211");
  ASSERT_TRUE(s.qresync->known_seqs);
  EXPECT_EQ(to_string(*s.qresync->known_seqs), "1:10");
  EXPECT_EQ(to_string(*s.qresync->known_seq_uids), "100:109");
  auto e = get<Select>("EXAMINE Archive (QRESYNC (1 2 (1 5)))");
  EXPECT_TRUE(e.read_only);
  EXPECT_FALSE(e.qresync->known_uids);
  EXPECT_TRUE(e.qresync->known_seqs);
}

TEST(Parser, CreateSpecialUse) {
  auto c = get<Create>("CREATE \"My Drafts\" (USE (\\drafts \\Junk))");
  EXPECT_EQ(c.mailbox, "My Drafts");
  EXPECT_EQ(c.special_use, (std::vector<std::string>{"\\drafts", "\\Junk"}));
}

TEST(Parser, ListExtended) {
  auto l = get<List>("LIST (SUBSCRIBED REMOTE RECURSIVEMATCH) \"\" (INBOX* \"Sent Items\" %) "
                     "RETURN (CHILDREN SPECIAL-USE STATUS (MESSAGES UIDNEXT) SUBSCRIBED)");
  EXPECT_TRUE(l.extended);
  EXPECT_TRUE(l.select_subscribed && l.select_remote && l.select_recursive_match);
  EXPECT_FALSE(l.select_special_use);
  EXPECT_EQ(l.reference, "");
  EXPECT_EQ(l.patterns, (std::vector<std::string>{"INBOX*", "Sent Items", "%"}));
  EXPECT_TRUE(l.return_children && l.return_special_use && l.return_subscribed);
  ASSERT_TRUE(l.return_status);
  EXPECT_EQ(*l.return_status, (std::vector<StatusItem>{StatusItem::Messages, StatusItem::UidNext}));
  auto plain = get<List>("LIST ~/Mail/ %");
  EXPECT_FALSE(plain.extended);
  EXPECT_EQ(plain.reference, "~/Mail/");
  auto su = get<List>("LIST (SPECIAL-USE) \"\" *");
  EXPECT_TRUE(su.select_special_use);
}

TEST(Parser, Status) {
  auto s = get<Status>("STATUS blurdybloop (MESSAGES UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE RECENT "
                       "HIGHESTMODSEQ APPENDLIMIT)");
  EXPECT_EQ(s.mailbox, "blurdybloop");
  EXPECT_EQ(s.items.size(), 9u);
  EXPECT_EQ(s.items.back(), StatusItem::AppendLimit);
  EXPECT_EQ(status_item_name(s.items[7]), "HIGHESTMODSEQ");
}

TEST(Parser, AppendVariants) {
  auto r = parse_wire("A003 APPEND saved-messages (\\Seen $Label) \"05-Jul-1994 02:44:25 -0700\" {10}\r\n"
                      "Hello Joe!\r\n");
  ASSERT_TRUE(r.ok()) << r.error;
  auto a = std::get<Append>(*r.command);
  EXPECT_EQ(a.mailbox, "saved-messages");
  ASSERT_EQ(a.messages.size(), 1u);
  EXPECT_EQ(a.messages[0].flags, (std::vector<std::string>{"\\Seen", "$Label"}));
  ASSERT_TRUE(a.messages[0].internal_date);
  EXPECT_EQ(a.messages[0].internal_date->zone_minutes, -420);
  EXPECT_EQ(a.messages[0].data, "Hello Joe!");
  EXPECT_FALSE(a.messages[0].binary);

  // MULTIAPPEND (RFC 3502) with literal8 and UTF8 (RFC 6855)
  r = parse_wire("A4 APPEND INBOX () {2+}\r\nab ~{3+}\r\nx\0y UTF8 (~{2+}\r\n\xc3\xa4)\r\n"s);
  ASSERT_TRUE(r.ok()) << r.error;
  a = std::get<Append>(*r.command);
  ASSERT_EQ(a.messages.size(), 3u);
  EXPECT_TRUE(a.messages[0].flags.empty());
  EXPECT_EQ(a.messages[0].data, "ab");
  EXPECT_TRUE(a.messages[1].binary);
  EXPECT_EQ(a.messages[1].data, "x\0y"s);
  EXPECT_TRUE(a.messages[2].utf8);
  EXPECT_EQ(a.messages[2].data, "\xc3\xa4");
}

TEST(Parser, StoreForms) {
  auto s = get<Store>("STORE 2:4 +FLAGS.SILENT (\\deleted $Junk)");
  EXPECT_EQ(s.mode, Store::Mode::Add);
  EXPECT_TRUE(s.silent);
  EXPECT_EQ(s.flags, (std::vector<std::string>{"\\Deleted", "$Junk"}));
  s = get<Store>("UID STORE 1:* (UNCHANGEDSINCE 12345) -FLAGS \\Seen \\Flagged");
  EXPECT_TRUE(s.uid);
  EXPECT_EQ(s.mode, Store::Mode::Remove);
  EXPECT_EQ(s.unchanged_since, 12345u);
  EXPECT_EQ(s.flags.size(), 2u);
  s = get<Store>("STORE $ FLAGS ()");
  EXPECT_TRUE(s.set.saved);
  EXPECT_TRUE(s.flags.empty());
  EXPECT_EQ(s.mode, Store::Mode::Replace);
}

TEST(Parser, CopyMoveExpunge) {
  auto c = get<Copy>("UID COPY 2:4,7 \"Saved Mail\"");
  EXPECT_TRUE(c.uid);
  EXPECT_EQ(to_string(c.set), "2:4,7");
  EXPECT_EQ(c.mailbox, "Saved Mail");
  auto m = get<Move>("MOVE 1:* inbox");
  EXPECT_FALSE(m.uid);
  EXPECT_EQ(m.mailbox, "INBOX");
  auto e = get<Expunge>("UID EXPUNGE 3000:3002");
  ASSERT_TRUE(e.uids);
  EXPECT_EQ(to_string(*e.uids), "3000:3002");
  EXPECT_FALSE(get<Expunge>("EXPUNGE").uids);
}

TEST(Parser, IdQuotaAcl) {
  auto id = get<Id>("ID (\"name\" \"sodr\" \"version\" NIL)");
  ASSERT_TRUE(id.params);
  ASSERT_EQ(id.params->size(), 2u);
  EXPECT_EQ((*id.params)[0].first, "name");
  EXPECT_EQ(*(*id.params)[0].second, "sodr");
  EXPECT_FALSE((*id.params)[1].second);
  EXPECT_FALSE(get<Id>("ID NIL").params);
  EXPECT_FALSE(parse("ID (\"" + std::string(31, 'f') + "\" NIL)").ok());

  auto q = get<SetQuota>("SETQUOTA \"\" (storage 512 MESSAGE 1000)");
  EXPECT_EQ(q.limits, (std::vector<std::pair<std::string, std::uint64_t>>{{"STORAGE", 512}, {"MESSAGE", 1000}}));
  EXPECT_TRUE(get<SetQuota>("SETQUOTA \"#user/joe\" ()").limits.empty());
  auto acl = get<SetAcl>("SETACL INBOX/Drafts Fred -w");
  EXPECT_EQ(acl.mailbox, "INBOX/Drafts");
  EXPECT_EQ(acl.identifier, "Fred");
  EXPECT_EQ(acl.rights, "-w");
  EXPECT_EQ(get<ListRights>("LISTRIGHTS ~/Mail/saved smith").identifier, "smith");
}

TEST(Parser, Enable) {
  auto e = get<Enable>("ENABLE condstore utf8=accept");
  EXPECT_EQ(e.capabilities, (std::vector<std::string>{"CONDSTORE", "UTF8=ACCEPT"}));
}

TEST(Parser, IdleDoneAndCancel) {
  EXPECT_TRUE(is_idle_done("DONE"));
  EXPECT_TRUE(is_idle_done("done"));
  EXPECT_FALSE(is_idle_done("DONE "));
  EXPECT_TRUE(is_authenticate_cancel("*"));
  EXPECT_FALSE(is_authenticate_cancel("**"));
}

TEST(Parser, ParseCommandWithoutReceiver) {
  auto r = parse_command("LOGIN", "joe secret");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<Login>(*r.command).user, "joe");
  r = parse_command("LOGIN", "{3}\r\njo");  // truncated literal must not read past the end
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("Truncated literal"), std::string::npos);
}

}  // namespace
}  // namespace postamt::imap::protocol
