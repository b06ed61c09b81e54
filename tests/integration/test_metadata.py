"""IMAP METADATA (RFC 5464) against the real binary over TLS, with a raw client so literals, literal8
and response codes are seen exactly as sent. The owner sets and reads entries (multi-line literal,
binary literal8, NIL deletes, DEPTH 0/1/infinity, MAXSIZE -> [METADATA LONGENTRIES]); a too big value
(NO [METADATA MAXSIZE]) and too many entries (NO [METADATA TOOMANY]) change nothing; a reader ("lr")
of a shared folder reads /shared entries and keeps /private ones of its own but may not set /shared
ones until it gets "w"; a user without rights gets the same NO [NOPERM] as for a missing mailbox;
server entries: /shared ones set by the [admin] user only and read by everyone, /shared/admin from
[admin] contact; DELETE drops a mailbox's entries, RENAME keeps them, RENAME INBOX copies them;
`postamt metadata get|set` reads and writes the same entries."""
import os
import re
import socket
import ssl
import unittest

from harness import LineReading, Postamt
from test_acl_quota import set_config

DEMO, BOB, CAROL, ADMIN = "demo@example.test", "bob@example.test", "carol@example.test", "admin@example.test"
PASSWORDS = {DEMO: "demo-password-1", BOB: "bob-password-1", CAROL: "carol-password-1", ADMIN: "admin-password-1"}
CONTACT = "mailto:postmaster@example.test"
TEAM = b'"Other Users/demo@example.test/Team"'


class Literal(bytes):
    """A synchronising literal {n} (or ~{n} when binary) inside a command."""


class Client(LineReading):
    """Just enough IMAP: commands with synchronising literals, responses as raw bytes."""

    def __init__(self, server, ctx, user):
        sock = socket.create_connection(("127.0.0.1", server.port("imaps")), timeout=30)
        self.sock = ctx.wrap_socket(sock, server_hostname="127.0.0.1")
        self.buf = b""
        self.n = 0
        assert self.line().startswith(b"* OK")
        status, _ = self.command(f'LOGIN "{user}" "{PASSWORDS[user]}"'.encode())
        assert status.startswith(b"OK"), status

    def line(self):
        return super().line() + b"\r\n"  # responses are matched with their CRLF

    def response(self):
        """One response line with the literals it carries."""
        out = self.line()
        while (m := re.search(rb"~?\{(\d+)\}\r\n$", out)):
            out += self.exactly(int(m.group(1)))
            out += self.line()
        return out

    def command(self, *parts):
        """Sends the parts (bytes, Literal for literals); returns (tagged status text, untagged bytes)."""
        self.n += 1
        tag = b"m%d" % self.n
        pending = tag + b" "
        for part in parts:
            if isinstance(part, Literal):
                binary = b"\0" in part
                pending += (b"~{%d}\r\n" if binary else b"{%d}\r\n") % len(part)
                self.sock.sendall(pending)
                cont = self.line()
                if not cont.startswith(b"+"):
                    return cont.split(b" ", 1)[1].rstrip(), b""
                pending = bytes(part)
            else:
                pending += part
        self.sock.sendall(pending + b"\r\n")
        untagged = b""
        while True:
            r = self.response()
            if r.startswith(tag + b" "):
                return r[len(tag) + 1:].rstrip(b"\r\n"), untagged
            untagged += r

    def ok(self, *parts):
        status, untagged = self.command(*parts)
        assert status.startswith(b"OK"), (parts, status)
        return untagged

    def close(self):
        try:
            self.command(b"LOGOUT")
        except (EOFError, OSError):
            pass
        self.sock.close()


class MetadataTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Postamt()
        for user, password in PASSWORDS.items():
            cls.server.add_user(user, password)
        set_config(cls.server, users=f'["{ADMIN}"]', contact=f'"{CONTACT}"')
        cls.server.start()
        cls.ctx = ssl.create_default_context(cafile=os.path.join(cls.server.data, "tls", "ca.crt"))
        demo = cls.client(DEMO)
        for box in ("Team", "Listed", "Hidden"):
            demo.ok(b"CREATE " + box.encode())
        demo.ok(b"SETACL Team " + BOB.encode() + b" lr")
        demo.ok(b"SETACL Listed " + BOB.encode() + b" l")
        demo.ok(b'SETMETADATA Team (/shared/comment "Team notes" /private/comment "demo only")')
        demo.close()

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    @classmethod
    def client(cls, user):
        return Client(cls.server, cls.ctx, user)

    def test_capability_and_no_enable(self):
        c = self.client(BOB)
        caps = c.ok(b"CAPABILITY")
        self.assertIn(b" METADATA", caps)
        self.assertEqual(c.ok(b"ENABLE METADATA"), b"* ENABLED\r\n")  # no unsolicited METADATA offered
        c.close()

    def test_owner_set_get_literals_nil(self):
        c = self.client(DEMO)
        c.ok(b"CREATE Notes")
        c.ok(b"SETMETADATA Notes (/private/comment ", Literal(b"My new comment across\r\ntwo lines."),
             b' /shared/Comment "Shared comment" /shared/vendor/postamt/bin ', Literal(b"a\0b\r\n"), b")")
        got = c.ok(b"GETMETADATA Notes (/shared/comment /PRIVATE/comment /shared/missing)")
        self.assertEqual(got, b"* METADATA Notes (/private/comment {33}\r\nMy new comment across\r\ntwo lines."
                              b' /shared/comment "Shared comment")\r\n')  # no NIL for the missing entry
        got = c.ok(b'GETMETADATA "Notes" /shared/vendor/postamt/bin')
        self.assertEqual(got, b"* METADATA Notes (/shared/vendor/postamt/bin ~{5}\r\na\0b\r\n)\r\n")
        c.ok(b"SETMETADATA Notes (/private/comment NIL /shared/vendor/postamt/bin NIL)")
        self.assertEqual(c.ok(b"GETMETADATA Notes (/private/comment /shared/vendor/postamt/bin)"), b"")
        self.assertEqual(c.ok(b"GETMETADATA Notes /shared/comment"), b'* METADATA Notes (/shared/comment "Shared comment")\r\n')
        # Selected state works too; a mailbox that does not exist is NO [NONEXISTENT].
        c.ok(b"SELECT INBOX")
        self.assertIn(b"/shared/comment", c.ok(b"GETMETADATA Notes /shared/comment"))
        status, _ = c.command(b"GETMETADATA Nowhere /shared/comment")
        self.assertTrue(status.startswith(b"NO [NONEXISTENT]"), status)
        status, _ = c.command(b'SETMETADATA Notes (/comment "x")')
        self.assertTrue(status.startswith(b"BAD"), status)  # RFC 5464 §3.2
        c.close()

    def test_depth_and_maxsize(self):
        c = self.client(DEMO)
        c.ok(b"CREATE Filters")
        c.ok(b'SETMETADATA Filters (/private/filters/values/small "SMALLER 5000" /private/filters/values/boss '
             b'"FROM \\"boss@example.com\\"" /private/filters/values/boss/deep "x" /private/filters/values "top")')
        depth0 = c.ok(b"GETMETADATA Filters /private/filters/values")
        self.assertEqual(depth0, b'* METADATA Filters (/private/filters/values "top")\r\n')
        depth1 = c.ok(b"GETMETADATA Filters (DEPTH 1) (/private/filters/values)")  # RFC example form
        self.assertEqual(depth1, b'* METADATA Filters (/private/filters/values "top" /private/filters/values/boss '
                                 b'"FROM \\"boss@example.com\\"" /private/filters/values/small "SMALLER 5000")\r\n')
        deep = c.ok(b"GETMETADATA (DEPTH infinity) Filters /private")  # RFC grammar form
        self.assertEqual(deep.count(b"/private/filters/values"), 4)
        self.assertEqual(c.ok(b"GETMETADATA (DEPTH 1) Filters /private"), b"")  # no direct children
        big = b"x" * 2199
        c.ok(b"SETMETADATA Filters (/shared/comment ", Literal(big), b")")
        status, got = c.command(b"GETMETADATA Filters (MAXSIZE 1024) (/shared/comment /private/filters/values)")
        self.assertEqual(status, b"OK [METADATA LONGENTRIES 2199] GETMETADATA completed")
        self.assertEqual(got, b'* METADATA Filters (/private/filters/values "top")\r\n')
        status, got = c.command(b"GETMETADATA Filters (MAXSIZE 2199) (/shared/comment)")
        self.assertEqual(status, b"OK GETMETADATA completed")
        self.assertIn(b"{2199}\r\n" + big, got)
        c.close()

    def test_limits_change_nothing(self):
        c = self.client(DEMO)
        c.ok(b"CREATE Limits")
        c.ok(b'SETMETADATA Limits (/shared/keep "old")')
        status, _ = c.command(b'SETMETADATA Limits (/shared/keep NIL /private/a "x" /private/big ',
                              Literal(b"y" * 65537), b")")
        self.assertEqual(status, b"NO [METADATA MAXSIZE 65536] Value too big")
        self.assertEqual(c.ok(b"GETMETADATA (DEPTH infinity) Limits (/shared /private)"),
                         b'* METADATA Limits (/shared/keep "old")\r\n')
        first = b" ".join(b'/private/e%d "v"' % i for i in range(60))
        c.ok(b"SETMETADATA Limits (" + first + b")")
        more = b" ".join(b'/private/f%d "v"' % i for i in range(41))
        status, _ = c.command(b"SETMETADATA Limits (/shared/keep NIL " + more + b")")
        self.assertEqual(status, b"NO [METADATA TOOMANY] Too many entries")
        got = c.ok(b"GETMETADATA (DEPTH infinity) Limits (/shared /private)")
        self.assertEqual(got.count(b'"v"'), 60)
        self.assertIn(b'/shared/keep "old"', got)
        c.close()

    def test_reader_writer_and_no_rights(self):
        bob = self.client(BOB)
        self.assertEqual(bob.ok(b"GETMETADATA " + TEAM + b" (/shared/comment /private/comment)"),
                         b"* METADATA " + TEAM + b' (/shared/comment "Team notes")\r\n')  # not demo's private
        bob.ok(b"SETMETADATA " + TEAM + b' (/private/comment "bob only")')
        status, _ = bob.command(b"SETMETADATA " + TEAM + b' (/private/comment "x" /shared/comment "bob was here")')
        self.assertTrue(status.startswith(b"NO [NOPERM]"), status)
        got = bob.ok(b"GETMETADATA " + TEAM + b" (/shared/comment /private/comment)")
        self.assertIn(b'/private/comment "bob only"', got)  # the refused command changed nothing
        self.assertIn(b'/shared/comment "Team notes"', got)
        # "l" alone is not enough (RFC 5464 §3.3), and looks like no mailbox at all.
        no_right, _ = bob.command(b'GETMETADATA "Other Users/demo@example.test/Listed" /shared/comment')
        hidden, _ = bob.command(b'GETMETADATA "Other Users/demo@example.test/Hidden" /shared/comment')
        missing, _ = bob.command(b'GETMETADATA "Other Users/demo@example.test/Missing" /shared/comment')
        nobody, _ = bob.command(b'SETMETADATA "Other Users/nobody@example.test/INBOX" (/private/comment "x")')
        self.assertTrue(missing.startswith(b"NO [NOPERM]"), missing)
        self.assertEqual({no_right, hidden, missing, nobody}, {missing})

        demo = self.client(DEMO)
        self.assertIn(b'/private/comment "demo only"', demo.ok(b"GETMETADATA Team /private/comment"))
        demo.ok(b"SETACL Team " + BOB.encode() + b" lrw")
        bob.ok(b"SETMETADATA " + TEAM + b' (/shared/comment "bob was here")')
        self.assertIn(b'"bob was here"', demo.ok(b"GETMETADATA Team /shared/comment"))
        demo.ok(b"SETACL Team " + BOB.encode() + b" lr")
        demo.ok(b'SETMETADATA Team (/shared/comment "Team notes")')

        carol = self.client(CAROL)
        status, _ = carol.command(b"GETMETADATA " + TEAM + b" /shared/comment")
        self.assertEqual(status, missing)
        status, _ = carol.command(b"SETMETADATA " + TEAM + b' (/private/comment "x")')
        self.assertEqual(status, missing)
        for c in (bob, demo, carol):
            c.close()

    def test_admin_on_other_users_mailbox(self):
        admin = self.client(ADMIN)
        hidden = b'"Other Users/demo@example.test/Hidden"'
        admin.ok(b"SETMETADATA " + hidden + b' (/shared/comment "checked by admin" /private/comment "admin\'s")')
        self.assertEqual(admin.ok(b"GETMETADATA " + hidden + b" (/shared/comment /private/comment)"),
                         b"* METADATA " + hidden + b' (/private/comment "admin\'s" /shared/comment "checked by admin")\r\n')
        demo = self.client(DEMO)
        self.assertEqual(demo.ok(b"GETMETADATA Hidden (/shared/comment /private/comment)"),
                         b'* METADATA Hidden (/shared/comment "checked by admin")\r\n')
        demo.ok(b"SETMETADATA Hidden (/shared/comment NIL)")
        for c in (admin, demo):
            c.close()

    def test_server_entries(self):
        bob, admin, carol = self.client(BOB), self.client(ADMIN), self.client(CAROL)
        status, _ = bob.command(b'SETMETADATA "" (/shared/comment "bob rules")')
        self.assertTrue(status.startswith(b"NO [NOPERM]"), status)
        admin.ok(b'SETMETADATA "" (/shared/comment "Maintenance on Sunday")')
        status, _ = admin.command(b'SETMETADATA "" (/shared/admin "mailto:evil@example.org")')
        self.assertTrue(status.startswith(b"NO [NOPERM]"), status)  # read-only (RFC 5464 §3.2.1.1)
        bob.ok(b'SETMETADATA "" (/private/vendor/postamt/theme "dark")')
        want = (b'* METADATA "" (/shared/admin "' + CONTACT.encode() + b'" /shared/comment "Maintenance on Sunday")\r\n')
        self.assertEqual(carol.ok(b'GETMETADATA "" (/shared/admin /shared/comment /private/vendor/postamt/theme)'), want)
        got = bob.ok(b'GETMETADATA "" (DEPTH infinity) (/shared /private)')
        self.assertIn(b'/private/vendor/postamt/theme "dark"', got)
        self.assertIn(b'/shared/admin "' + CONTACT.encode() + b'"', got)
        for c in (bob, admin, carol):
            c.close()

    def test_delete_rename_and_inbox_rename(self):
        c = self.client(DEMO)
        c.ok(b"CREATE Tmp")
        c.ok(b'SETMETADATA Tmp (/shared/comment "tmp" /private/comment "mine")')
        c.ok(b"RENAME Tmp Moved")
        self.assertEqual(c.ok(b"GETMETADATA Moved (/private/comment /shared/comment)"),
                         b'* METADATA Moved (/private/comment "mine" /shared/comment "tmp")\r\n')
        c.ok(b"DELETE Moved")
        c.ok(b"CREATE Moved")
        self.assertEqual(c.ok(b"GETMETADATA Moved (/private/comment /shared/comment)"), b"")
        c.ok(b'SETMETADATA INBOX (/shared/comment "inbox note")')
        c.ok(b'RENAME INBOX "Old Inbox"')
        self.assertEqual(c.ok(b'GETMETADATA "Old Inbox" /shared/comment'),
                         b'* METADATA "Old Inbox" (/shared/comment "inbox note")\r\n')
        self.assertEqual(c.ok(b"GETMETADATA INBOX /shared/comment"),
                         b'* METADATA INBOX (/shared/comment "inbox note")\r\n')
        c.close()

    def test_cli(self):
        def md(*args):
            return self.server.run("metadata", args[0], "-c", self.server.config, *args[1:])
        out = md("set", DEMO, "Team", "/shared/vendor/postamt/Motd", "line1\r\nline2")
        self.assertEqual(out.returncode, 0, out.stderr_text)
        out = md("get", DEMO, "Team", "/shared/vendor")
        self.assertEqual(out.stdout_text, '/shared/vendor/postamt/motd "line1\\r\\nline2"\n')
        c = self.client(DEMO)
        self.assertEqual(c.ok(b"GETMETADATA Team /shared/vendor/postamt/motd"),
                         b"* METADATA Team (/shared/vendor/postamt/motd {12}\r\nline1\r\nline2)\r\n")
        c.ok(b'SETMETADATA Team (/private/comment "changed by IMAP")')
        self.assertIn('/private/comment "changed by IMAP"\n', md("get", DEMO, "Team").stdout_text)
        c.ok(b'SETMETADATA Team (/private/comment "demo only")')
        c.close()
        self.assertEqual(md("set", DEMO, "Team", "/shared/vendor/postamt/motd", "--delete").returncode, 0)
        self.assertEqual(md("get", DEMO, "Team", "/shared/vendor").stdout_text, "")
        self.assertEqual(md("get", BOB, "", "/shared/admin").stdout_text, f'/shared/admin "{CONTACT}"\n')
        self.assertEqual(md("set", DEMO, "", "/shared/admin", "x").returncode, 64)
        self.assertEqual(md("set", DEMO, "Team", "/comment", "x").returncode, 64)
        self.assertEqual(md("set", DEMO, "Nope", "/shared/comment", "x").returncode, 65)
        self.assertEqual(md("set", "ghost@example.test", "Team", "/shared/comment", "x").returncode, 67)


if __name__ == "__main__":
    unittest.main()
