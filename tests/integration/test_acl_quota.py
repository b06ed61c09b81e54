"""ACLs, quota and administration through IMAP against the real binary (imaplib over TLS).
ACL (RFC 4314): a folder shared read-only appears under "Other Users/" (RFC 2342), can be read but not
changed, other folders stay invisible and give the same NO [NOPERM] as missing ones; "anyone" rights;
the admin works in other users' accounts. Quota (RFC 9208): GETQUOTA / GETQUOTAROOT / SETQUOTA, an admin
setting another user's quota, APPEND and COPY over quota refused with NO [OVERQUOTA], SMTP delivery over
quota answered 452 4.2.2 (or 552 5.2.2 when configured) with nothing stored, and usage exact after 1,000
concurrent SMTP deliveries racing with IMAP expunges. The quota warning ([quota] warning_percent): one
message into INBOX after crossing the threshold, again only after usage fell below it."""
import imaplib
import os
import poplib
import re
import smtplib
import ssl
import threading
import unittest

from harness import Postamt

DEMO, BOB, ADMIN = "demo@example.test", "bob@example.test", "admin@example.test"
CAROL, DAVE = "carol@example.test", "dave@example.test"
PASSWORDS = {DEMO: "demo-password-1", BOB: "bob-password-1", ADMIN: "admin-password-1", CAROL: "carol-password-1",
             DAVE: "dave-password-1"}
SHARED = '"Other Users/demo@example.test/Shared"'
PRIVATE = '"Other Users/demo@example.test/Private"'
MISSING = '"Other Users/demo@example.test/Missing"'
NOBODY = '"Other Users/nobody@example.test/INBOX"'


def message(subject, body="Hello world\r\n", to=DEMO):
    return (f"From: Alice <alice@example.org>\r\nTo: {to}\r\nSubject: {subject}\r\n"
            f"Message-ID: <{subject.replace(' ', '.')}@example.org>\r\n\r\n{body}")


def set_config(server, **values):
    """Rewrites `key = value` lines of postamt.toml (the default file lists every key)."""
    with open(server.config) as f:
        text = f.read()
    for key, value in values.items():
        text, n = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
        assert n == 1, key
    with open(server.config, "w") as f:
        f.write(text)


class ServerWithAdmin(unittest.TestCase):
    """One server per test class: the PASSWORDS users, ADMIN in [admin] users, imaplib clients."""

    @classmethod
    def setUpClass(cls):
        cls.server = Postamt()
        for user, password in PASSWORDS.items():
            cls.server.add_user(user, password)
        set_config(cls.server, users=f'["{ADMIN}"]')
        cls.server.start()
        cls.ctx = ssl.create_default_context(cafile=os.path.join(cls.server.data, "tls", "ca.crt"))

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    @classmethod
    def client(cls, user=DEMO):
        c = imaplib.IMAP4_SSL("127.0.0.1", cls.server.port("imaps"), ssl_context=cls.ctx)
        c.login(user, PASSWORDS[user])
        return c


class AclTest(ServerWithAdmin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        demo = cls.client(DEMO)
        for box in ("Shared", "Private"):
            assert demo.create(box)[0] == "OK"
            for i in range(2):
                assert demo.append(box, None, None, message(f"{box} {i}").encode())[0] == "OK"
        typ, data = demo.setacl("Shared", BOB, "lrs")
        assert typ == "OK", data
        demo.logout()

    def test_capabilities_and_namespace(self):
        c = self.client(BOB)
        self.assertIn("ACL", c.capabilities)
        self.assertIn("RIGHTS=TEXK", c.capabilities)  # imaplib upper-cases them
        typ, data = c.namespace()
        self.assertEqual(data[0], b'(("" "/")) (("Other Users/" "/")) (("Shared Folders/" "/"))')
        c.logout()

    def test_shared_folder_readable_not_deletable(self):
        c = self.client(BOB)
        typ, boxes = c.list()
        names = [b.decode() for b in boxes]
        self.assertTrue(any(n.endswith('"Other Users/demo@example.test/Shared"') for n in names), names)
        self.assertFalse(any("Private" in n for n in names), names)
        typ, data = c.myrights(SHARED)
        self.assertEqual(data[0], b'"Other Users/demo@example.test/Shared" lrs')
        typ, data = c.select(SHARED)
        self.assertEqual(typ, "OK", data)
        self.assertEqual(data[0], b"2")
        typ, data = c.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        self.assertIn(b"Subject: Shared 0", data[0][1])
        # "s" lets B keep \Seen; \Deleted needs "t", EXPUNGE "e" (RFC 4314 §4).
        typ, data = c.store("1", "+FLAGS", "(\\Seen)")
        self.assertEqual(typ, "OK", data)
        typ, data = c.store("1", "+FLAGS", "(\\Deleted)")
        self.assertEqual(typ, "NO")
        self.assertIn(b"[NOPERM]", data[0])
        typ, data = c.expunge()
        self.assertEqual(typ, "NO")
        typ, data = c.fetch("1:*", "(FLAGS)")
        self.assertNotIn(b"\\Deleted", b"".join(data))
        # Copying out into B's own mailbox works; appending into the shared one needs "i".
        typ, data = c.copy("1", "INBOX")
        self.assertEqual(typ, "OK", data)
        typ, data = c.append(SHARED, None, None, message("intruder").encode())
        self.assertEqual(typ, "NO")
        self.assertIn(b"[NOPERM]", data[0])
        typ, data = c.delete(SHARED)
        self.assertEqual(typ, "NO")
        typ, data = c.getacl(SHARED)
        self.assertEqual(typ, "NO")
        self.assertIn(b"[NOPERM]", data[0])
        c.logout()
        owner = self.client(DEMO)
        self.assertEqual(owner.status("Shared", "(MESSAGES)")[1][0], b"Shared (MESSAGES 2)")
        owner.logout()

    def test_other_folders_do_not_leak(self):
        c = self.client(BOB)
        answers = []
        for name in (PRIVATE, MISSING, NOBODY):
            for command in (lambda n: c.select(n), lambda n: c.status(n, "(MESSAGES)"), lambda n: c.myrights(n),
                            lambda n: c.getacl(n), lambda n: c.append(n, None, None, message("x").encode())):
                typ, data = command(name)
                answers.append((typ, data[0].replace(name.strip('"').encode(), b"NAME")))
        per_name = len(answers) // 3
        for k in range(per_name):
            self.assertEqual(answers[k], answers[k + per_name])
            self.assertEqual(answers[k], answers[k + 2 * per_name])
            self.assertEqual(answers[k][0], "NO")
            self.assertIn(b"[NOPERM]", answers[k][1])
        c.logout()

    def test_owner_getacl_setacl_and_anyone(self):
        demo = self.client(DEMO)
        typ, data = demo.getacl("Shared")
        self.assertEqual(data[0], b"Shared demo@example.test lrswipkxteacd bob@example.test lrs")
        with self.assertRaises(imaplib.IMAP4.error) as e:  # BAD: uppercase rights (RFC 4314 §3.1)
            demo.setacl("Shared", BOB, "lrQ")
        self.assertIn("BAD", str(e.exception))
        carol = self.client(CAROL)
        self.assertEqual(carol.select(SHARED)[0], "NO")
        self.assertEqual(demo.setacl("Shared", "anyone", "lr")[0], "OK")
        # Only "lr": SELECT opens read-only (RFC 4314 §5.2; imaplib raises on READ-ONLY after SELECT).
        with self.assertRaises(imaplib.IMAP4.readonly):
            carol.select(SHARED)
        typ, data = carol.select(SHARED, readonly=True)
        self.assertEqual(typ, "OK", data)
        typ, data = carol.store("1", "+FLAGS", "(\\Seen)")
        self.assertEqual(typ, "NO")
        carol.close()
        self.assertEqual(demo.deleteacl("Shared", "anyone")[0], "OK")
        typ, data = carol.select(SHARED)
        self.assertEqual(typ, "NO")
        self.assertIn(b"[NOPERM]", data[0])
        # "+"/"-" modify (RFC 4314 §3.1); "d" stands for "et".
        self.assertEqual(demo.setacl("Shared", CAROL, "lr")[0], "OK")
        self.assertEqual(demo.setacl("Shared", CAROL, "+d")[0], "OK")
        self.assertEqual(demo.setacl("Shared", CAROL, "-r")[0], "OK")
        typ, data = demo.getacl("Shared")
        self.assertIn(b"carol@example.test lted", data[0])
        self.assertEqual(demo.deleteacl("Shared", CAROL)[0], "OK")
        demo.logout()
        carol.logout()

    def test_admin_creates_mailbox_in_users_account_and_sets_acl(self):
        admin = self.client(ADMIN)
        box = '"Other Users/carol@example.test/Projects"'
        typ, data = admin.create(box)
        self.assertEqual(typ, "OK", data)
        typ, data = admin.setacl(box, BOB, "lr")
        self.assertEqual(typ, "OK", data)
        typ, data = admin.setquota(CAROL, "(MESSAGE 100)")
        self.assertEqual(typ, "OK", data)
        admin.logout()
        carol = self.client(CAROL)
        typ, boxes = carol.list()
        self.assertTrue(any(b.endswith(b" Projects") for b in boxes), boxes)
        typ, data = carol.getacl("Projects")
        self.assertIn(b"bob@example.test lr", data[0])
        carol.logout()
        bob = self.client(BOB)
        typ, data = bob.create('"Other Users/carol@example.test/Evil"')
        self.assertEqual(typ, "NO")
        self.assertIn(b"[NOPERM]", data[0])
        self.assertEqual(bob.select(box, readonly=True)[0], "OK")
        bob.logout()

    def test_public_folders(self):
        """ "Shared Folders" (RFC 2342 §5): the admin creates public folders; users see those whose
        ACL gives them "l" (RFC 4314), with the rights the ACL gives; a child inherits the ACL."""
        admin = self.client(ADMIN)
        bob = self.client(BOB)
        typ, data = bob.create('"Shared Folders/Mine"')  # top-level public folders are the admins'
        self.assertEqual(typ, "NO")
        self.assertIn(b"[NOPERM]", data[0])
        typ, data = admin.create('"Shared Folders/News"')
        self.assertEqual(typ, "OK", data)
        self.assertEqual(admin.create('"Shared Folders/Board"')[0], "OK")
        self.assertEqual(admin.append('"Shared Folders/News"', None, None, message("news 1").encode())[0], "OK")
        typ, data = bob.select('"Shared Folders/News"')
        self.assertEqual(typ, "NO")
        self.assertIn(b"[NOPERM]", data[0])
        self.assertEqual(admin.setacl('"Shared Folders/News"', "anyone", "lrs")[0], "OK")
        self.assertEqual(admin.setacl('"Shared Folders/News"', BOB, "lrswik")[0], "OK")
        typ, data = admin.getacl('"Shared Folders/News"')  # no owner entry: only the ACL
        self.assertEqual(data[0], b'"Shared Folders/News" anyone lrs bob@example.test lrswikc')
        typ, boxes = bob.list('""', '"Shared Folders/N*"')
        self.assertEqual(boxes, [b'(\\HasNoChildren) "/" "Shared Folders/News"'])
        typ, data = bob.select('"Shared Folders/News"')
        self.assertEqual(typ, "OK", data)
        self.assertEqual(data[0], b"1")
        self.assertEqual(bob.store("1", "+FLAGS", "(\\Deleted)")[0], "NO")  # no "t"
        bob.close()
        # "k" lets bob create below News; the child inherits News's ACL (RFC 4314 §4 CREATE).
        typ, data = bob.create('"Shared Folders/News/Bob"')
        self.assertEqual(typ, "OK", data)
        typ, data = admin.getacl('"Shared Folders/News/Bob"')
        self.assertEqual(data[0], b'"Shared Folders/News/Bob" anyone lrs bob@example.test lrswikc')
        carol = self.client(CAROL)
        typ, boxes = carol.list('""', '*')
        names = b"\n".join(boxes)
        self.assertIn(b'"Shared Folders/News"', names)
        self.assertIn(b'"Shared Folders/News/Bob"', names)
        self.assertNotIn(b"Board", names)
        self.assertEqual(carol.append('"Shared Folders/News"', None, None, message("x").encode())[0], "NO")
        typ, data = carol.myrights('"Shared Folders/News"')
        self.assertEqual(data[0], b'"Shared Folders/News" lrs')
        typ, data = carol.myrights('"Shared Folders/Board"')
        self.assertEqual(typ, "NO")
        self.assertIn(b"[NOPERM]", data[0])
        # The admin sees every public folder; the quota root of public folders is "Shared Folders".
        typ, boxes = admin.list('""', '"Shared Folders/*"')
        self.assertIn(b'(\\HasNoChildren) "/" "Shared Folders/Board"', boxes)
        self.assertIn(b'(\\HasChildren) "/" "Shared Folders/News"', boxes)
        out = self.server.run("acl", "get", "-c", self.server.config, "Shared Folders", "News")
        self.assertEqual(out.stdout_text, "anyone lrs\nbob@example.test lrswikc\n", out.stderr_text)
        out = self.server.run("acl", "set", "-c", self.server.config, "Shared Folders", "Board", CAROL, "lr")
        self.assertEqual(out.returncode, 0, out.stderr_text)
        self.assertEqual(carol.myrights('"Shared Folders/Board"')[1][0], b'"Shared Folders/Board" lr')
        typ, data = admin.getquotaroot('"Shared Folders/News"')
        self.assertIn(b'"Shared Folders/News" "Shared Folders"', data[0][0])
        for c in (admin, bob, carol):
            c.logout()

    def test_subscriptions_to_other_users_folders_are_kept(self):
        bob = self.client(BOB)
        typ, data = bob.subscribe(SHARED)
        self.assertEqual(typ, "OK", data)
        typ, data = bob.subscribe(PRIVATE)  # no "l": refused like a missing mailbox
        self.assertEqual(typ, "NO")
        bob.logout()
        bob = self.client(BOB)  # a new session: the subscription was remembered
        typ, data = bob.lsub('""', '"Other Users/*"')
        self.assertEqual(data, [b'() "/" "Other Users/demo@example.test/Shared"'])
        typ, data = bob.list('""', '"Other Users/*"')
        self.assertNotIn(b"Subscribed", b"".join(data))
        typ, data = bob._simple_command("LIST", '(SUBSCRIBED)', '""', '"Other Users/*"')
        self.assertEqual(typ, "OK", data)
        self.assertIn(b'(\\HasNoChildren \\Subscribed) "/" "Other Users/demo@example.test/Shared"',
                      bob.untagged_responses.pop("LIST", []))
        self.assertEqual(bob.unsubscribe(SHARED)[0], "OK")
        typ, data = bob.lsub('""', '"Other Users/*"')
        self.assertEqual(data, [None])
        bob.logout()

    def count(self, client, box):
        typ, data = client.status(box, "(MESSAGES)")
        self.assertEqual(typ, "OK", data)
        return int(re.search(rb"MESSAGES (\d+)", data[0]).group(1))

    def test_delivery_needs_the_post_right(self):
        """RFC 4314 "p": LMTP user+folder@ files into the folder only when anyone may post there (else
        INBOX); Sieve fileinto into another user's or a public folder needs "p" or "i" there."""
        demo = self.client(DEMO)
        self.assertEqual(demo.create("Lists")[0], "OK")
        lmtp = smtplib.LMTP("127.0.0.1", self.server.port("lmtp"))
        def send(to, subject):
            refused = lmtp.sendmail("alice@example.org", [to], message(subject, to=to).encode())
            self.assertEqual(refused, {})
        inbox, lists = self.count(demo, "INBOX"), self.count(demo, "Lists")
        send("demo+Lists@example.test", "plus without p")
        self.assertEqual((self.count(demo, "INBOX"), self.count(demo, "Lists")), (inbox + 1, lists))
        self.assertEqual(demo.setacl("Lists", "anyone", "p")[0], "OK")
        send("demo+Lists@example.test", "plus with p")
        send("demo+Nowhere@example.test", "plus to a missing folder")
        self.assertEqual((self.count(demo, "INBOX"), self.count(demo, "Lists")), (inbox + 2, lists + 1))
        lmtp.quit()

        # bob's script files into demo's folder and a public one; only with the rights it works.
        admin = self.client(ADMIN)
        self.assertEqual(admin.create('"Shared Folders/Inbound"')[0], "OK")
        self.assertEqual(demo.create("Drop")[0], "OK")
        script = ('require "fileinto";\r\n'
                  'if header :contains "subject" "to-demo" { fileinto "Other Users/demo@example.test/Drop"; stop; }\r\n'
                  'if header :contains "subject" "to-public" { fileinto "Shared Folders/Inbound"; stop; }\r\n')
        self.assertEqual(self.server.cli("sieve", "put", "--user", BOB, "main", input=script).returncode, 0)
        self.assertEqual(self.server.cli("sieve", "activate", "--user", BOB, "main").returncode, 0)
        bob = self.client(BOB)
        s = smtplib.SMTP("127.0.0.1", self.server.port("smtp"), timeout=30)
        def to_bob(subject):
            self.assertEqual(s.sendmail("alice@example.org", [BOB], message(subject, to=BOB).encode()), {})
        bob_inbox = self.count(bob, "INBOX")
        to_bob("to-demo 1")
        to_bob("to-public 1")
        self.assertEqual(self.count(bob, "INBOX"), bob_inbox + 2)  # no right: INBOX, nothing lost
        self.assertEqual(self.count(demo, "Drop"), 0)
        self.assertEqual(demo.setacl("Drop", BOB, "p")[0], "OK")
        self.assertEqual(admin.setacl('"Shared Folders/Inbound"', BOB, "lri")[0], "OK")
        to_bob("to-demo 2")
        to_bob("to-public 2")
        s.quit()
        self.assertEqual(self.count(bob, "INBOX"), bob_inbox + 2)
        self.assertEqual(self.count(demo, "Drop"), 1)
        self.assertEqual(self.count(admin, '"Shared Folders/Inbound"'), 1)
        self.assertEqual(self.server.cli("sieve", "deactivate", "--user", BOB).returncode, 0)
        for c in (demo, admin, bob):
            c.logout()

    def test_owner_restricts_own_rights_imap_and_pop3(self):
        """The owner may take rights away from themselves (kept: "l" and "a"); IMAP and POP3 obey."""
        for i in range(2):
            self.assertEqual(self.server.deliver(DAVE, message(f"dave {i}", to=DAVE)).returncode, 0)
        dave = self.client(DAVE)
        self.assertEqual(dave.setacl("INBOX", DAVE, "lrs")[0], "OK")
        typ, data = dave.getacl("INBOX")
        self.assertEqual(data[0], b"INBOX dave@example.test lrsa")
        typ, data = dave.myrights("INBOX")
        self.assertEqual(data[0], b"INBOX lrsa")
        imaplib.Commands.setdefault("LISTRIGHTS", ("AUTH", "SELECTED"))
        typ, data = dave._simple_command("LISTRIGHTS", "INBOX", DAVE)
        self.assertIn(b"INBOX dave@example.test la r s w i p k x t e c d",
                      dave.untagged_responses.pop("LISTRIGHTS", [b""]))
        self.assertEqual(dave.select("INBOX")[0], "OK")
        typ, data = dave.store("1", "+FLAGS", "(\\Deleted)")
        self.assertEqual(typ, "NO")
        self.assertIn(b"[NOPERM]", data[0])
        self.assertEqual(dave.store("1", "+FLAGS", "(\\Seen)")[0], "OK")
        dave.close()

        ctx = self.ctx
        pop = poplib.POP3_SSL("127.0.0.1", self.server.port("pop3s"), context=ctx)
        pop.user(DAVE)
        pop.pass_(PASSWORDS[DAVE])
        self.assertEqual(len(pop.list()[1]), 2)
        self.assertIn(b"dave 0", b"\n".join(pop.retr(1)[1]))
        with self.assertRaises(poplib.error_proto) as e:
            pop.dele(1)
        self.assertIn(b"[SYS/PERM]", e.exception.args[0])
        pop.quit()

        # Without "r" POP3 cannot open the maildrop at all.
        self.assertEqual(dave.setacl("INBOX", DAVE, "-r")[0], "OK")
        pop = poplib.POP3_SSL("127.0.0.1", self.server.port("pop3s"), context=ctx)
        pop.user(DAVE)
        with self.assertRaises(poplib.error_proto) as e:
            pop.pass_(PASSWORDS[DAVE])
        self.assertIn(b"[SYS/PERM]", e.exception.args[0])
        pop.close()
        self.assertEqual(dave.select("INBOX")[0], "NO")

        # DELETEACL of the owner gives everything back; POP3 DELE works again.
        self.assertEqual(dave.deleteacl("INBOX", DAVE)[0], "OK")
        typ, data = dave.getacl("INBOX")
        self.assertEqual(data[0], b"INBOX dave@example.test lrswipkxteacd")
        pop = poplib.POP3_SSL("127.0.0.1", self.server.port("pop3s"), context=ctx)
        pop.user(DAVE)
        pop.pass_(PASSWORDS[DAVE])
        pop.dele(1)
        pop.quit()
        self.assertEqual(self.count(dave, "INBOX"), 1)
        dave.logout()

    def test_idle_in_a_shared_folder_sees_the_owners_append(self):
        bob = self.client(BOB)
        typ, data = bob.select(SHARED, readonly=True)
        self.assertEqual(typ, "OK", data)
        exists = int(data[0])
        tag = bob._new_tag()
        bob.send(tag + b" IDLE\r\n")
        self.assertTrue(bob.readline().startswith(b"+"))
        demo = self.client(DEMO)
        self.assertEqual(demo.append("Shared", None, None, message("while idling").encode())[0], "OK")
        line = bob.readline()
        self.assertEqual(line, b"* %d EXISTS\r\n" % (exists + 1))
        bob.send(b"DONE\r\n")
        while not bob.readline().startswith(tag):
            pass
        # Put Shared back as the other tests expect it (two messages).
        self.assertEqual(demo.select("Shared")[0], "OK")
        self.assertEqual(demo.store(str(exists + 1), "+FLAGS", "(\\Deleted)")[0], "OK")
        self.assertEqual(demo.expunge()[0], "OK")
        demo.logout()
        bob.logout()

    def test_negative_rights(self):
        """RFC 4314 §2: "-identifier" entries take rights away from what the others grant."""
        demo = self.client(DEMO)
        bob = self.client(BOB)
        self.addCleanup(demo.logout)  # cleanups run last-first: the entries go, then the session
        self.addCleanup(lambda: (demo.deleteacl("Shared", "-" + BOB), demo.deleteacl("Shared", "-anyone")))
        self.assertEqual(demo.setacl("Shared", "-" + BOB, "r")[0], "OK")
        typ, data = demo.getacl("Shared")
        self.assertIn(b"-bob@example.test r", data[0])
        self.assertEqual(bob.myrights(SHARED)[1][0], SHARED.encode() + b" ls")
        typ, data = bob.select(SHARED)
        self.assertEqual(typ, "NO")
        self.assertIn(b"[NOPERM]", data[0])
        # "-anyone" applies to everybody; DELETEACL of the negative entry gives the right back.
        self.assertEqual(demo.setacl("Shared", "-anyone", "s")[0], "OK")
        self.assertEqual(bob.myrights(SHARED)[1][0], SHARED.encode() + b" l")
        self.assertEqual(demo.deleteacl("Shared", "-anyone")[0], "OK")
        self.assertEqual(demo.deleteacl("Shared", "-" + BOB)[0], "OK")
        self.assertEqual(bob.myrights(SHARED)[1][0], SHARED.encode() + b" lrs")
        typ, data = demo.setacl("Shared", "-" + DEMO, "r")  # the owner restricts with their own entry
        self.assertEqual(typ, "NO")
        self.assertIn(b"[CANNOT]", data[0])
        bob.logout()

    def test_acl_cli(self):
        def acl(*args):
            return self.server.run("acl", args[0], "-c", self.server.config, *args[1:])
        out = acl("set", DEMO, "Private", CAROL, "lr")
        self.assertEqual(out.returncode, 0, out.stderr_text)
        self.assertIn("carol@example.test lr\n", out.stdout_text)
        carol = self.client(CAROL)
        typ, data = carol.select(PRIVATE, readonly=True)
        self.assertEqual(typ, "OK", data)
        carol.logout()
        out = acl("get", DEMO, "Private")
        self.assertEqual(out.stdout_text.splitlines()[0], "demo@example.test lrswipkxteacd")
        self.assertEqual(acl("set", DEMO, "Private", CAROL, "lrQ").returncode, 64)  # unknown right
        self.assertEqual(acl("set", DEMO, "Nope", CAROL, "lr").returncode, 65)     # no such mailbox
        self.assertEqual(acl("set", DEMO, "Private", "ghost@example.test", "lr").returncode, 67)
        out = acl("delete", DEMO, "Private", CAROL)
        self.assertEqual(out.returncode, 0, out.stderr_text)
        self.assertNotIn("carol", out.stdout_text)
        carol = self.client(CAROL)
        self.assertEqual(carol.select(PRIVATE, readonly=True)[0], "NO")
        carol.logout()
        # The owner's own entry from the CLI reaches the running server (another process).
        demo = self.client(DEMO)
        self.assertEqual(demo.myrights("Private")[1][0], b"Private lrswipkxteacd")
        out = acl("set", DEMO, "Private", DEMO, "lr")
        self.assertEqual(out.returncode, 0, out.stderr_text)
        self.assertEqual(out.stdout_text.splitlines()[0], "demo@example.test lra")
        self.assertEqual(demo.myrights("Private")[1][0], b"Private lra")
        self.assertEqual(acl("delete", DEMO, "Private", DEMO).returncode, 0)
        self.assertEqual(demo.myrights("Private")[1][0], b"Private lrswipkxteacd")
        demo.logout()


class QuotaTest(ServerWithAdmin):
    def quota_of(self, c, root):
        typ, data = c.getquota(root)
        self.assertEqual(typ, "OK", data)
        m = re.match(rb'"?([^"]*)"? \((.*)\)', data[0])
        items = m.group(2).split()
        return {items[i].decode(): (int(items[i + 1]), int(items[i + 2])) for i in range(0, len(items), 3)}

    def cli_quota(self, *args):
        return self.server.run("quota", *args[:2], "-c", self.server.config, *args[2:])

    def test_capabilities(self):
        c = self.client()
        caps = c.capabilities
        for cap in ("QUOTA", "QUOTASET", "QUOTA=RES-STORAGE", "QUOTA=RES-MESSAGE"):
            self.assertIn(cap, caps)
        c.logout()

    def test_admin_sets_quota_and_user_sees_it(self):
        admin = self.client(ADMIN)
        typ, data = admin.setquota(BOB, "(STORAGE 500 MESSAGE 40)")
        self.assertEqual(typ, "OK", data)
        self.assertRegex(data[0], rb'^"?bob@example.test"? \(STORAGE \d+ 500 MESSAGE \d+ 40\)$')
        admin.logout()
        bob = self.client(BOB)
        typ, data = bob.getquotaroot("INBOX")
        self.assertEqual(typ, "OK", data)
        self.assertRegex(data[0][0], rb'^INBOX "?bob@example.test"?$')
        self.assertRegex(data[1][0], rb"STORAGE \d+ 500 MESSAGE \d+ 40")
        # Users do not set quotas, nor read other users' (RFC 9208 §4.1.1 "permission denied").
        typ, data = bob.setquota(BOB, "(STORAGE 99999)")
        self.assertEqual(typ, "NO")
        self.assertIn(b"[NOPERM]", data[0])
        typ, data = bob.getquota(DEMO)
        self.assertEqual(typ, "NO")
        bob.logout()
        out = self.cli_quota("get", BOB)
        self.assertEqual(out.returncode, 0, out.stderr_text)
        self.assertRegex(out.stdout_text, r"storage=\d+/500 KiB messages=\d+/40 limits=own")

    def test_append_and_copy_over_quota(self):
        user = "full@example.test"
        self.server.add_user(user, "full-password-1")
        PASSWORDS[user] = "full-password-1"
        out = self.cli_quota("set", user, "--messages", "2")
        self.assertEqual(out.returncode, 0, out.stderr_text)
        c = self.client(user)
        for i in range(2):
            typ, data = c.append("INBOX", None, None, message(f"fits {i}").encode())
            self.assertEqual(typ, "OK", data)
        typ, data = c.append("INBOX", None, None, message("too many").encode())
        self.assertEqual(typ, "NO")
        self.assertIn(b"[OVERQUOTA]", data[0])
        c.select("INBOX")
        typ, data = c.copy("1", "Archive")
        self.assertEqual(typ, "NO")
        self.assertIn(b"[OVERQUOTA]", data[0])
        self.assertEqual(c.status("Archive", "(MESSAGES)")[1][0], b'Archive (MESSAGES 0)')
        # MOVE adds nothing to the quota root and is allowed.
        typ, data = c.uid("MOVE", "1", "Archive")
        self.assertEqual(typ, "OK", data)
        self.assertEqual(self.quota_of(c, user)["MESSAGE"], (2, 2))
        typ, data = c.status("INBOX", "(MESSAGES DELETED DELETED-STORAGE)")
        self.assertEqual(typ, "OK", data)
        c.logout()

    def smtp_send(self, to, msg):
        s = smtplib.SMTP("127.0.0.1", self.server.port("smtp"), timeout=30)
        try:
            s.sendmail("alice@example.org", [to], msg)
            return 250, b""
        except smtplib.SMTPDataError as e:
            return e.smtp_code, e.smtp_error
        except smtplib.SMTPRecipientsRefused as e:
            return list(e.recipients.values())[0]
        finally:
            s.quit()

    def test_smtp_over_quota_temporary_then_permanent(self):
        user = "small@example.test"
        self.server.add_user(user, "small-password-1")
        PASSWORDS[user] = "small-password-1"
        self.assertEqual(self.cli_quota("set", user, "--storage", "2K").returncode, 0)
        code, _ = self.smtp_send(user, message("first", to=user))
        self.assertEqual(code, 250)
        big = message("big", body="x" * 3000 + "\r\n", to=user)
        code, text = self.smtp_send(user, big)
        self.assertEqual(code, 452, text)
        self.assertIn(b"4.2.2", text)
        c = self.client(user)
        self.assertEqual(c.status("INBOX", "(MESSAGES)")[1][0], b'INBOX (MESSAGES 1)')  # nothing partial
        usage = self.quota_of(c, user)["STORAGE"]
        self.assertEqual(usage[1], 2)
        c.logout()
        # over_quota_reply = "permanent": 552 5.2.2.
        self.server.stop()
        set_config(self.server, over_quota_reply='"permanent"')
        try:
            self.server.start()
            code, text = self.smtp_send(user, big)
            self.assertEqual(code, 552, text)
            self.assertIn(b"5.2.2", text)
        finally:
            self.server.stop()
            set_config(self.server, over_quota_reply='"temporary"')
            self.server.start()

    def test_usage_exact_after_concurrent_deliveries_and_expunges(self):
        user = "busy@example.test"
        self.server.add_user(user, "busy-password-1")
        PASSWORDS[user] = "busy-password-1"
        self.assertEqual(self.cli_quota("set", user, "--messages", "700").returncode, 0)
        results, errors = [], []
        lock = threading.Lock()

        def sender(n, count):
            try:
                s = smtplib.SMTP("127.0.0.1", self.server.port("smtp"), timeout=60)
                for i in range(count):
                    msg = message(f"load {n} {i}", body=("y" * (i * 37 % 900)) + "\r\n", to=user)
                    try:
                        s.sendmail("alice@example.org", [user], msg)
                        code = 250
                    except smtplib.SMTPDataError as e:
                        code = e.smtp_code
                    with lock:
                        results.append(code)
                s.quit()
            except Exception as e:  # noqa: BLE001 - reported below
                with lock:
                    errors.append(repr(e))

        stop = threading.Event()
        expunged = [0]

        def expunger():
            c = self.client(user)
            c.select("INBOX")
            while not stop.is_set():
                typ, data = c.search(None, "ALL")
                ids = data[0].split()[:5]
                if ids:
                    c.store(b",".join(ids).decode(), "+FLAGS", "\\Deleted")
                    typ, data = c.expunge()
                    expunged[0] += len([d for d in data if d])
            c.logout()

        threads = [threading.Thread(target=sender, args=(n, 50)) for n in range(20)]
        ex = threading.Thread(target=expunger)
        ex.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stop.set()
        ex.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(results), 1000)
        self.assertEqual(set(results) - {250, 452}, set())
        c = self.client(user)
        total_messages, total_size = 0, 0
        typ, boxes = c.list()
        for line in boxes:
            name = line.decode().rsplit(' "/" ', 1)[1]
            typ, data = c.status(name, "(MESSAGES SIZE)")
            m = re.search(rb"MESSAGES (\d+) SIZE (\d+)", data[0])
            total_messages += int(m.group(1))
            total_size += int(m.group(2))
        quota = self.quota_of(c, user)
        self.assertEqual(quota["MESSAGE"][0], total_messages)
        self.assertEqual(quota["STORAGE"][0] if "STORAGE" in quota else None, None)
        self.assertLessEqual(total_messages, 700)
        self.assertEqual(results.count(250) - expunged[0], total_messages)
        out = self.cli_quota("get", user)
        self.assertIn(f"storage={(total_size + 1023) // 1024}/unlimited", out.stdout_text)
        c.logout()


class QuotaWarningTest(unittest.TestCase):
    """[quota] warning_percent = 80: exactly one warning message once usage reaches 80% of a limit."""

    @classmethod
    def setUpClass(cls):
        cls.server = Postamt()
        cls.server.add_user(DEMO, PASSWORDS[DEMO])
        set_config(cls.server, warning_percent="80")
        cls.server.start()
        cls.ctx = ssl.create_default_context(cafile=os.path.join(cls.server.data, "tls", "ca.crt"))

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def send(self, subject):
        s = smtplib.SMTP("127.0.0.1", self.server.port("smtp"), timeout=30)
        try:
            s.sendmail("alice@example.org", [DEMO], message(subject))
            return 250
        except smtplib.SMTPRecipientsRefused as e:
            return list(e.recipients.values())[0][0]
        except smtplib.SMTPDataError as e:
            return e.smtp_code
        finally:
            s.quit()

    def warnings(self, c):
        c.select("INBOX")
        typ, data = c.search(None, "HEADER", "Auto-Submitted", "auto-generated")
        self.assertEqual(typ, "OK", data)
        return data[0].split()

    def test_one_warning_after_crossing_threshold(self):
        out = self.server.run("quota", "set", DEMO, "-c", self.server.config, "--messages", "10")
        self.assertEqual(out.returncode, 0, out.stderr_text)
        c = imaplib.IMAP4_SSL("127.0.0.1", self.server.port("imaps"), ssl_context=self.ctx)
        c.login(DEMO, PASSWORDS[DEMO])
        for i in range(7):  # 70%: no warning yet
            self.assertEqual(self.send(f"mail {i}"), 250)
        self.assertEqual(self.warnings(c), [])
        # The 8th reaches 80%: one warning (it counts too: 9 of 10), the 9th fills the mailbox, no second
        # warning; the 10th is refused.
        self.assertEqual(self.send("mail 7"), 250)
        self.assertEqual(self.send("mail 8"), 250)
        self.assertEqual(self.send("mail 9"), 452)
        found = self.warnings(c)
        self.assertEqual(len(found), 1)
        typ, data = c.fetch(found[0], "(BODY.PEEK[])")
        self.assertEqual(typ, "OK", data)
        text = data[0][1].decode()
        self.assertIn("From: Mail Delivery System <postmaster@example.test>", text)
        self.assertIn("Subject: Your mailbox is 80% full", text)
        self.assertIn("Auto-Submitted: auto-generated", text)
        self.assertIn("Message-ID: <quota-warning.", text)
        self.assertIn("Messages: 8 of 10", text)
        # Below the threshold again (5 of 10), then over it: a second warning.
        c.store("1:5", "+FLAGS", "\\Deleted")
        c.expunge()
        for i in range(3):
            self.assertEqual(self.send(f"again {i}"), 250)
        self.assertEqual(len(self.warnings(c)), 2)
        c.logout()

    def test_postamt_deliver_warns_too(self):
        user = "lda@example.test"
        self.server.add_user(user, "lda-password-1")
        out = self.server.run("quota", "set", user, "-c", self.server.config, "--messages", "5")
        self.assertEqual(out.returncode, 0, out.stderr_text)
        codes = [self.server.run("deliver", "-c", self.server.config, "--to", user,
                                 input=message(f"lda {i}", to=user).encode()).returncode for i in range(5)]
        self.assertEqual(codes, [0, 0, 0, 0, 75])  # the 4th reaches 80%; with the warning it is full
        c = imaplib.IMAP4_SSL("127.0.0.1", self.server.port("imaps"), ssl_context=self.ctx)
        c.login(user, "lda-password-1")
        self.assertEqual(len(self.warnings(c)), 1)
        c.logout()


if __name__ == "__main__":
    unittest.main()
