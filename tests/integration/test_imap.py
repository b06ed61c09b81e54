"""IMAP server (RFC 9051 / RFC 3501 with IDLE, UIDPLUS, MOVE, LIST-EXTENDED, ESEARCH, CONDSTORE, ...)
against the real binary: imaplib over STARTTLS and IMAP4_SSL, raw sockets for exact bytes and IDLE,
curl imaps:// as a third-party client."""
import imaplib
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
import unittest

from harness import LineReading, Postamt

USER, PASSWORD = "demo@example.test", "demo-password-1"


def message(subject, body="Hello world\r\n", frm="Alice <alice@example.org>"):
    return (f"From: {frm}\r\nTo: demo@example.test\r\nSubject: {subject}\r\n"
            f"Date: Tue, 1 Jul 2003 10:52:37 +0200\r\nMessage-ID: <{subject.replace(' ', '.')}@example.org>\r\n"
            f"\r\n{body}")


MULTIPART = (
    "From: Bob <bob@example.org>\r\nTo: demo@example.test\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\npreamble\r\n--XX\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\nfirst part\r\n--XX\r\n"
    "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    "AAECAwQ=\r\n--XX--\r\n")


class Raw(LineReading):
    """An IMAP client on a raw socket (exact bytes, IDLE)."""

    def __init__(self, port, ctx=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        if ctx:
            self.sock = ctx.wrap_socket(self.sock, server_hostname="localhost")
        self.buf = b""
        self.greeting = self.line()

    def line(self, timeout=20):
        return super().line(timeout)

    def send(self, data):
        self.sock.sendall(data.encode() if isinstance(data, str) else data)

    def cmd(self, tag, command):
        """Sends `tag command`, returns (untagged lines, tagged line)."""
        self.send(f"{tag} {command}\r\n")
        lines = []
        while True:
            line = self.line()
            if line.startswith(tag.encode() + b" "):
                return lines, line
            lines.append(line)

    def close(self):
        self.sock.close()


class ImapTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Postamt()
        cls.server.add_user(USER, PASSWORD)
        cls.server.add_user("other@example.test", "other-password-1")
        cls.server.start()
        cls.ca = os.path.join(cls.server.data, "tls", "ca.crt")
        cls.ctx = ssl.create_default_context(cafile=cls.ca)
        for i in range(3):
            r = cls.server.deliver(USER, message(f"hello {i}"))
            assert r.returncode == 0, r.stderr_text

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def ssl_client(self, user=USER, password=PASSWORD):
        c = imaplib.IMAP4_SSL("127.0.0.1", self.server.port("imaps"), ssl_context=self.ctx)
        c.login(user, password)
        return c

    def raw_tls(self, login=True):
        r = Raw(self.server.port("imaps"), self.ctx)
        if login:
            _, tagged = r.cmd("L", f'LOGIN "{USER}" "{PASSWORD}"')
            self.assertTrue(tagged.startswith(b"L OK"), tagged)
        return r

    # --- connection, TLS, authentication -----------------------------------------------------

    def test_greeting_and_logindisabled_before_tls(self):
        r = Raw(self.server.port("imap"))
        self.assertTrue(r.greeting.startswith(b"* OK [CAPABILITY IMAP4rev1"), r.greeting)
        self.assertIn(b"STARTTLS", r.greeting)
        self.assertIn(b"LOGINDISABLED", r.greeting)
        self.assertNotIn(b"AUTH=PLAIN", r.greeting)
        self.assertIn(b"AUTH=SCRAM-SHA-256", r.greeting)
        _, tagged = r.cmd("a", f'LOGIN "{USER}" "{PASSWORD}"')
        self.assertTrue(tagged.startswith(b"a NO [PRIVACYREQUIRED] Cleartext authentication disallowed"), tagged)
        _, tagged = r.cmd("b", "SELECT INBOX")
        self.assertTrue(tagged.startswith(b"b BAD"), tagged)
        _, tagged = r.cmd("c", "LOGOUT")
        self.assertTrue(tagged.startswith(b"c OK"))
        r.close()

    def test_starttls_with_imaplib(self):
        c = imaplib.IMAP4("127.0.0.1", self.server.port("imap"))
        self.assertIn("LOGINDISABLED", c.capabilities)
        c.starttls(ssl_context=self.ctx)
        self.assertNotIn("LOGINDISABLED", c.capabilities)
        self.assertIn("AUTH=PLAIN", c.capabilities)
        self.assertNotIn("STARTTLS", c.capabilities)
        typ, _ = c.login(USER, PASSWORD)
        self.assertEqual(typ, "OK")
        typ, data = c.select("INBOX")
        self.assertEqual(typ, "OK")
        self.assertGreaterEqual(int(data[0]), 3)
        c.logout()

    def test_starttls_discards_pipelined_plaintext(self):
        r = Raw(self.server.port("imap"))
        r.send("s STARTTLS\r\nx CAPABILITY\r\n")
        self.assertTrue(r.line().startswith(b"s OK"))
        r.sock = self.ctx.wrap_socket(r.sock, server_hostname="localhost")
        r.buf = b""
        untagged, tagged = r.cmd("y", "NOOP")
        self.assertEqual(untagged, [])  # no answer to the injected "x CAPABILITY"
        self.assertTrue(tagged.startswith(b"y OK"))

    def test_bad_password_and_authenticate_plain_sasl_ir(self):
        c = imaplib.IMAP4_SSL("127.0.0.1", self.server.port("imaps"), ssl_context=self.ctx)
        with self.assertRaises(imaplib.IMAP4.error):
            c.login(USER, "wrong")
        r = self.raw_tls(login=False)
        import base64
        ir = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()
        _, tagged = r.cmd("a", f"AUTHENTICATE PLAIN {ir}")
        self.assertTrue(tagged.startswith(b"a OK [CAPABILITY"), tagged)
        _, tagged = r.cmd("b", "AUTHENTICATE PLAIN")
        self.assertTrue(tagged.startswith(b"b BAD"), tagged)  # not in the authenticated state

    def test_authenticate_plain_with_continuation(self):
        import base64
        r = self.raw_tls(login=False)
        r.send("a AUTHENTICATE PLAIN\r\n")
        self.assertEqual(r.line(), b"+ ")
        r.send(base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()) + b"\r\n")
        self.assertTrue(r.line().startswith(b"a OK"))

    def test_enable_id_namespace(self):
        r = self.raw_tls()
        untagged, tagged = r.cmd("a", "ENABLE CONDSTORE UTF8=ACCEPT FOO")
        self.assertEqual(untagged, [b"* ENABLED CONDSTORE UTF8=ACCEPT"])
        untagged, _ = r.cmd("b", 'ID ("name" "test")')
        self.assertTrue(untagged[0].startswith(b'* ID ("name" "postamt"'))
        untagged, _ = r.cmd("c", "NAMESPACE")
        self.assertEqual(untagged, [b'* NAMESPACE (("" "/")) (("Other Users/" "/")) (("Shared Folders/" "/"))'])  # RFC 2342, docs/acl-quota.md

    # --- mailboxes ---------------------------------------------------------------------------

    def test_list_special_use_create_rename_delete(self):
        c = self.ssl_client()
        typ, data = c.list()
        names = {re.search(rb'"/" (.*)$', d).group(1).strip(b'"'): d for d in data}
        for box, use in ((b"Drafts", b"\\Drafts"), (b"Sent", b"\\Sent"), (b"Trash", b"\\Trash"),
                         (b"Junk", b"\\Junk"), (b"Archive", b"\\Archive")):
            self.assertIn(use, names[box])
        self.assertIn(b"INBOX", names)
        self.assertEqual(c.create("Projects/2024")[0], "OK")
        typ, data = c.list('""', "Projects/%")
        self.assertEqual(len(data), 1)
        self.assertIn(b"Projects/2024", data[0])
        typ, data = c.list('""', "Projects")
        self.assertIn(b"\\HasChildren", data[0])
        self.assertEqual(c.rename("Projects", "Work")[0], "OK")
        typ, data = c.list('""', "Work/*")
        self.assertIn(b"Work/2024", data[0])
        self.assertEqual(c.create("Work")[0], "NO")
        self.assertEqual(c.delete("Work/2024")[0], "OK")
        self.assertEqual(c.delete("INBOX")[0], "NO")
        typ, data = c.list('""', "Work/*")
        self.assertEqual(data, [None])
        c.logout()

    def test_mutf7_and_utf8_names(self):
        r = self.raw_tls()
        _, tagged = r.cmd("a", "CREATE Entw&APw-rfe")
        self.assertTrue(tagged.startswith(b"a OK"), tagged)
        untagged, _ = r.cmd("b", 'LIST "" Entw*')
        self.assertEqual(untagged, [b'* LIST (\\HasNoChildren) "/" Entw&APw-rfe'])
        _, tagged = r.cmd("c", "CREATE Bad&-name-&Jjo")  # unterminated mUTF-7
        self.assertTrue(tagged.startswith(b"c BAD"), tagged)
        r.cmd("d", "ENABLE UTF8=ACCEPT")
        untagged, _ = r.cmd("e", 'LIST "" Entw*')
        self.assertEqual(untagged, ['* LIST (\\HasNoChildren) "/" "Entwürfe"'.encode()])

    def test_names_cannot_escape_the_account(self):
        r = self.raw_tls()
        for name in ("../../etc", "/etc/passwd", "../other@example.test/INBOX", "a//b", "x/../../y"):
            untagged, tagged = r.cmd("s", f'STATUS "{name}" (MESSAGES)')
            self.assertTrue(tagged.startswith(b"s NO"), (name, tagged))
            _, tagged = r.cmd("c", f'CREATE "{name}"')
            # Either refused, or created as a plain name inside this account's index.
            if tagged.startswith(b"c OK"):
                untagged, _ = r.cmd("l", 'LIST "" "*"')
                self.assertTrue(any(name.strip("/").encode() in u for u in untagged), (name, untagged))
                r.cmd("d", f'DELETE "{name}"')
        # The other account's mail is not visible.
        other = self.ssl_client("other@example.test", "other-password-1")
        typ, data = other.select("INBOX")
        self.assertEqual(data, [b"0"])
        other.logout()
        self.assertFalse(os.path.exists(os.path.join(self.server.data, "etc")))

    def test_subscribe_lsub_list_extended_status(self):
        r = self.raw_tls()
        r.cmd("a", "CREATE Lists")
        _, tagged = r.cmd("b", "SUBSCRIBE Lists")
        self.assertTrue(tagged.startswith(b"b OK"))
        untagged, _ = r.cmd("c", 'LSUB "" Lists')
        self.assertEqual(untagged, [b'* LSUB () "/" Lists'])
        untagged, _ = r.cmd("d", 'LIST (SUBSCRIBED) "" "*"')
        self.assertTrue(any(b"Lists" in u and b"\\Subscribed" in u for u in untagged), untagged)
        untagged, _ = r.cmd("e", 'LIST (SPECIAL-USE) "" "*"')
        self.assertEqual(len(untagged), 5, untagged)
        untagged, _ = r.cmd("f", 'LIST "" INBOX RETURN (STATUS (MESSAGES UIDNEXT SIZE))')
        self.assertTrue(untagged[0].startswith(b"* LIST"))
        self.assertRegex(untagged[1], rb"^\* STATUS INBOX \(MESSAGES \d+ UIDNEXT \d+ SIZE \d+\)$")
        untagged, _ = r.cmd("g", "STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE RECENT HIGHESTMODSEQ)")
        self.assertRegex(untagged[0], rb"^\* STATUS INBOX \(MESSAGES \d+ UIDNEXT \d+ UIDVALIDITY \d+ UNSEEN \d+ "
                                      rb"DELETED \d+ SIZE \d+ RECENT \d+ HIGHESTMODSEQ \d+\)$")
        _, tagged = r.cmd("h", "UNSUBSCRIBE Lists")
        self.assertTrue(tagged.startswith(b"h OK"))
        untagged, _ = r.cmd("i", 'LSUB "" Lists')
        self.assertEqual(untagged, [])
        untagged, _ = r.cmd("j", 'LIST "" ""')
        self.assertEqual(untagged, [b'* LIST (\\Noselect) "/" ""'])

    # --- selected state ----------------------------------------------------------------------

    def fresh_mailbox(self, client, name, messages):
        client.create(name)
        for m in messages:
            typ, data = client.append(name, None, None, m.encode())
            self.assertEqual(typ, "OK", data)
        return client.select(name)

    def test_append_select_fetch(self):
        c = self.ssl_client()
        typ, data = c.append("INBOX", "(\\Flagged $Work)", imaplib.Time2Internaldate(1700000000),
                             MULTIPART.encode())
        self.assertEqual(typ, "OK")
        m = re.search(rb"APPENDUID (\d+) (\d+)", data[0])
        self.assertIsNotNone(m, data)
        uid = m.group(2).decode()
        c.select("INBOX")
        typ, data = c.uid("FETCH", uid, "(FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)")
        text = data[0] if isinstance(data[0], bytes) else data[0][0]
        self.assertIn(b"\\Flagged", text)
        self.assertIn(b"$Work", text)
        self.assertIn(b'INTERNALDATE "14-Nov-2023 22:13:20 +0000"', text)
        self.assertIn(b'"parts"', text)
        self.assertIn(b'("text" "plain" ("charset" "utf-8")', text.lower())
        typ, data = c.uid("FETCH", uid, "(BODY.PEEK[1] BODY.PEEK[2.MIME] BINARY.PEEK[2] BINARY.SIZE[2])")
        parts = {k.decode(): v for k, v in (data[i] for i in range(len(data)) if isinstance(data[i], tuple))
                 for k, v in [(re.search(rb"(BODY\[1\]|BODY\[2\.MIME\]|BINARY\[2\])[^{]*\{\d+\}$", k).group(1), v)]}
        self.assertEqual(parts["BODY[1]"], b"first part")
        self.assertIn(b"Content-Transfer-Encoding: base64", parts["BODY[2.MIME]"])
        self.assertEqual(parts["BINARY[2]"], b"\x00\x01\x02\x03\x04")
        flat = b" ".join(x if isinstance(x, bytes) else x[0] for x in data)
        self.assertIn(b"BINARY.SIZE[2] 5", flat)
        typ, data = c.uid("FETCH", uid, "(BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)] BODY.PEEK[TEXT]<0.8>)")
        self.assertEqual(data[0][1], b"From: Bob <bob@example.org>\r\nSubject: parts\r\n\r\n")
        self.assertEqual(data[1][1], b"preamble")
        typ, data = c.uid("FETCH", uid, "(FLAGS)")
        self.assertNotIn(b"\\Seen", data[0])
        typ, data = c.uid("FETCH", uid, "(BODY[HEADER])")  # not PEEK: sets \Seen
        flat = b" ".join(x if isinstance(x, bytes) else x[0] for x in data)
        self.assertIn(b"\\Seen", flat)
        c.logout()

    def test_append_literal_plus_and_trycreate(self):
        r = self.raw_tls()
        body = message("literal plus").replace("\r\n", "\n")  # bare LF gets normalised
        r.send(f"a APPEND INBOX {{{len(body)}+}}\r\n{body}\r\n")
        line = r.line()
        self.assertRegex(line, rb"^a OK \[APPENDUID \d+ \d+\]")
        r.send(f"b APPEND NoSuchBox {{{len(body)}}}\r\n")
        self.assertTrue(r.line().startswith(b"+ "))
        r.send(body + "\r\n")
        self.assertTrue(r.line().startswith(b"b NO [TRYCREATE]"))
        _, tagged = r.cmd("c", "NOOP")
        self.assertTrue(tagged.startswith(b"c OK"))

    def test_store_search_copy_move_expunge(self):
        c = self.ssl_client()
        typ, data = self.fresh_mailbox(c, "Ops", [message("alpha", "apples\r\n"), message("beta", "bananas\r\n"),
                                                  message("gamma", "cherries\r\n", frm="Carol <carol@x.org>")])
        self.assertEqual(data, [b"3"])
        typ, data = c.store("2", "+FLAGS", "(\\Flagged)")
        self.assertIn(b"\\Flagged", data[0])
        self.assertEqual(c.search(None, "FLAGGED")[1], [b"2"])
        self.assertEqual(c.search(None, "UNFLAGGED")[1], [b"1 3"])
        self.assertEqual(c.search(None, "FROM", "carol")[1], [b"3"])
        self.assertEqual(c.search(None, "SUBJECT", "BETA")[1], [b"2"])
        self.assertEqual(c.search(None, "BODY", "cherr")[1], [b"3"])
        self.assertEqual(c.search(None, "OR", "SUBJECT", "alpha", "SUBJECT", "gamma")[1], [b"1 3"])
        self.assertEqual(c.search(None, "NOT", "SUBJECT", "alpha")[1], [b"2 3"])
        self.assertEqual(c.search(None, "SENTON", "1-Jul-2003")[1], [b"1 2 3"])
        self.assertEqual(c.search(None, "SENTBEFORE", "1-Jul-2003")[1], [b""])
        self.assertEqual(c.search(None, "2:3", "LARGER", "10")[1], [b"2 3"])
        self.assertEqual(c.search(None, "HEADER", "Message-ID", "beta@")[1], [b"2"])
        typ, data = c.uid("SEARCH", "ALL")
        uids = data[0].split()
        self.assertEqual(len(uids), 3)
        typ, data = c._simple_command("SEARCH", "RETURN", "(MIN MAX COUNT)", "ALL")
        self.assertEqual(c.untagged_responses.pop("ESEARCH")[0].split(b")", 1)[1].strip(), b"MIN 1 MAX 3 COUNT 3")
        typ, data = c.copy("1", "Trash")
        self.assertEqual(typ, "OK")
        self.assertRegex(data[0], rb"^\[COPYUID \d+ \d+ \d+\]")
        typ, data = c._simple_command("MOVE", "3", "Archive")
        self.assertEqual(typ, "OK")
        self.assertEqual(c.response("EXPUNGE")[1], [b"3"])
        self.assertEqual(c.select("Archive", readonly=True)[0], "OK")
        self.assertEqual(c.search(None, "FROM", "carol")[1], [b"1"])
        c.select("Ops")
        c.store("1", "+FLAGS.SILENT", "(\\Deleted)")
        typ, data = c.expunge()
        self.assertEqual(data, [b"1"])
        typ, data = c.search(None, "ALL")
        self.assertEqual(data, [b"1"])
        typ, data = c.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        self.assertIn(b"beta", data[0][1])
        c.close()
        c.logout()

    def test_examine_is_read_only_and_condstore(self):
        r = self.raw_tls()
        untagged, tagged = r.cmd("a", "EXAMINE INBOX (CONDSTORE)")
        self.assertIn(b"[READ-ONLY]", tagged)
        self.assertTrue(any(b"HIGHESTMODSEQ" in u for u in untagged), untagged)
        _, tagged = r.cmd("b", "STORE 1 +FLAGS (\\Seen)")
        self.assertTrue(tagged.startswith(b"b NO [READ-ONLY]"), tagged)
        r.cmd("c", "SELECT INBOX")
        untagged, _ = r.cmd("d", "FETCH 1 (MODSEQ FLAGS)")
        m = re.search(rb"MODSEQ \((\d+)\)", untagged[0])
        self.assertIsNotNone(m, untagged)
        ms = int(m.group(1))
        untagged, tagged = r.cmd("e", f"STORE 1 (UNCHANGEDSINCE {ms - 1}) +FLAGS (\\Answered)")
        self.assertIn(b"[MODIFIED 1]", tagged)
        untagged, tagged = r.cmd("f", f"STORE 1 (UNCHANGEDSINCE {ms}) +FLAGS (\\Answered)")
        self.assertTrue(tagged.startswith(b"f OK"), tagged)
        untagged, _ = r.cmd("g", f"FETCH 1:* (FLAGS) (CHANGEDSINCE {ms})")
        self.assertEqual(len(untagged), 1, untagged)
        self.assertIn(b"\\Answered", untagged[0])
        _, tagged = r.cmd("h", "FETCH 999 FLAGS")
        self.assertTrue(tagged.startswith(b"h BAD"), tagged)
        _, tagged = r.cmd("i", "UNSELECT")
        self.assertTrue(tagged.startswith(b"i OK"))
        _, tagged = r.cmd("j", "FETCH 1 FLAGS")
        self.assertTrue(tagged.startswith(b"j BAD"))

    def test_searchres_and_rev2_esearch(self):
        r = self.raw_tls()
        r.cmd("a", "ENABLE IMAP4rev2")
        untagged, _ = r.cmd("b", "SELECT INBOX")
        self.assertFalse(any(b"RECENT" in u for u in untagged), untagged)
        self.assertTrue(any(u.startswith(b"* LIST") for u in untagged), untagged)
        untagged, _ = r.cmd("c", "SEARCH ALL")
        self.assertTrue(untagged[0].startswith(b'* ESEARCH (TAG "c") ALL 1:'), untagged)
        untagged, _ = r.cmd("d", "SEARCH RETURN (SAVE) SUBJECT hello")
        self.assertEqual(untagged, [])
        untagged, _ = r.cmd("e", "FETCH $ (UID)")
        self.assertEqual(len(untagged), 3, untagged)

    def test_second_connection_sees_changes(self):
        a, b = self.ssl_client(), self.raw_tls()
        self.fresh_mailbox(a, "Shared", [message("one"), message("two")])
        untagged, _ = b.cmd("s", "SELECT Shared")
        self.assertIn(b"* 2 EXISTS", untagged)
        a.store("1", "+FLAGS", "(\\Flagged)")
        a.append("Shared", None, None, message("three").encode())
        untagged, _ = b.cmd("n", "NOOP")
        self.assertTrue(any(re.match(rb"\* 1 FETCH \(UID \d+ FLAGS \(\\Flagged\)\)", u) for u in untagged), untagged)
        self.assertIn(b"* 3 EXISTS", untagged)
        a.store("2", "+FLAGS", "(\\Deleted)")
        a.expunge()
        # No EXPUNGE during FETCH (RFC 9051 §7.5.1): numbers stay valid.
        untagged, _ = b.cmd("f", "FETCH 3 (UID)")
        self.assertFalse(any(b"EXPUNGE" in u for u in untagged), untagged)
        self.assertTrue(any(u.startswith(b"* 3 FETCH") for u in untagged), untagged)
        untagged, _ = b.cmd("n2", "NOOP")
        self.assertIn(b"* 2 EXPUNGE", untagged)
        a.logout()

    def test_idle_sees_delivery(self):
        r = self.raw_tls()
        untagged, _ = r.cmd("s", "SELECT INBOX")
        exists = next(int(u.split()[1]) for u in untagged if u.endswith(b"EXISTS"))
        r.send("i IDLE\r\n")
        self.assertTrue(r.line().startswith(b"+ "))
        start = time.time()
        res = self.server.deliver(USER, message("during idle"))
        self.assertEqual(res.returncode, 0, res.stderr_text)
        line = r.line(timeout=5)
        self.assertEqual(line, f"* {exists + 1} EXISTS".encode())
        self.assertLess(time.time() - start, 4)
        # Another connection's flag change arrives during IDLE too.
        c = self.ssl_client()
        c.select("INBOX")
        c.store(str(exists + 1), "+FLAGS", "(\\Flagged)")
        got = [r.line(timeout=5)]
        while b"FETCH" not in got[-1]:
            got.append(r.line(timeout=5))
        self.assertIn(b"\\Flagged", got[-1])
        r.send("DONE\r\n")
        while True:
            line = r.line()
            if line.startswith(b"i "):
                break
        self.assertTrue(line.startswith(b"i OK"), line)
        c.logout()

    def test_bad_syntax_and_limits(self):
        r = self.raw_tls()
        for bad in ("FETCH", "FETCH 1 (FLAGS", "SELECT", "STORE 1 FLAGS (\\Recent)", "LIST"):
            _, tagged = r.cmd("x", bad)
            self.assertTrue(tagged.startswith(b"x BAD"), (bad, tagged))
        _, tagged = r.cmd("y", "FOOBAR")
        self.assertTrue(tagged.startswith(b"y BAD"))
        r.send("z APPEND INBOX {999999999999}\r\n")
        self.assertTrue(r.line().startswith(b"z BAD"))
        _, tagged = r.cmd("w", "NOOP")
        self.assertTrue(tagged.startswith(b"w OK"))

    @unittest.skipUnless(shutil.which("curl"), "curl not installed")
    def test_curl_imaps(self):
        c = self.ssl_client()
        c.select("INBOX")
        uid = c.uid("SEARCH", "ALL")[1][0].split()[0].decode()
        c.logout()
        p = subprocess.run(["curl", "-sS", "--cacert", self.ca, "--user", f"{USER}:{PASSWORD}",
                            f"imaps://localhost:{self.server.port('imaps')}/INBOX;UID={uid}",
                            "--resolve", f"localhost:{self.server.port('imaps')}:127.0.0.1"],
                           capture_output=True, timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"Subject: hello 0", p.stdout)

    def test_logout(self):
        r = self.raw_tls()
        untagged, tagged = r.cmd("z", "LOGOUT")
        self.assertTrue(untagged[0].startswith(b"* BYE"))
        self.assertTrue(tagged.startswith(b"z OK"))


if __name__ == "__main__":
    unittest.main()
