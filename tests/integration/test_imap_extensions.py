"""IMAP extensions end to end on raw sockets (exact response lines): QRESYNC (RFC 7162 §3.2: ENABLE,
SELECT (QRESYNC ...) with VANISHED (EARLIER), UID FETCH (CHANGEDSINCE n VANISHED), VANISHED instead of
EXPUNGE), OBJECTID (RFC 8474: MAILBOXID, EMAILID, THREADID in FETCH and SEARCH) and PREVIEW
(RFC 8970), COPY/MOVE as store-level copies (flags, internal date, one file), LIST-EXTENDED's \\NonExistent and RECURSIVEMATCH / CHILDINFO (RFC 5258)."""
import imaplib
import os
import re
import ssl
import unittest

from harness import Postamt
from test_imap import Raw, message

USER, PASSWORD = "demo@example.test", "demo-password-1"


class ExtensionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Postamt()
        cls.server.add_user(USER, PASSWORD)
        cls.server.start()
        cls.ca = os.path.join(cls.server.data, "tls", "ca.crt")
        cls.ctx = ssl.create_default_context(cafile=cls.ca)

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def raw(self):
        r = Raw(self.server.port("imaps"), self.ctx)
        _, tagged = r.cmd("L", f'LOGIN "{USER}" "{PASSWORD}"')
        self.assertTrue(tagged.startswith(b"L OK"), tagged)
        return r

    def ok(self, r, tag, command):
        lines, tagged = r.cmd(tag, command)
        self.assertTrue(tagged.startswith(tag.encode() + b" OK"), (command, tagged, lines))
        return lines

    def mailbox_with(self, name, count):
        """Creates `name` holding `count` messages via imaplib; returns its UIDVALIDITY."""
        c = imaplib.IMAP4_SSL("127.0.0.1", self.server.port("imaps"), ssl_context=self.ctx)
        c.login(USER, PASSWORD)
        self.assertEqual(c.create(name)[0], "OK")
        for i in range(count):
            self.assertEqual(c.append(name, None, None, message(f"{name} {i + 1}").encode())[0], "OK")
        typ, data = c.status(name, "(UIDVALIDITY)")
        c.logout()
        return int(re.search(rb"UIDVALIDITY (\d+)", data[0]).group(1))

    @staticmethod
    def highestmodseq(lines):
        for line in lines:
            m = re.search(rb"\[HIGHESTMODSEQ (\d+)\]", line)
            if m:
                return int(m.group(1))
        raise AssertionError(lines)

    # --- QRESYNC ------------------------------------------------------------------------------

    def test_qresync_advertised_and_enable(self):
        r = self.raw()
        lines, _ = r.cmd("c", "CAPABILITY")
        self.assertIn(b" QRESYNC", lines[0])
        self.assertIn(b" CONDSTORE", lines[0])
        lines = self.ok(r, "e", "ENABLE QRESYNC")
        self.assertEqual(lines, [b"* ENABLED QRESYNC"])
        # Enabling twice lists nothing new (RFC 5161 §3.1).
        self.assertEqual(self.ok(r, "e2", "ENABLE QRESYNC CONDSTORE"), [b"* ENABLED"])
        r.close()

    def test_qresync_parameters_need_enable(self):
        uidvalidity = self.mailbox_with("QNeedEnable", 1)
        r = self.raw()
        _, tagged = r.cmd("s", f"SELECT QNeedEnable (QRESYNC ({uidvalidity} 1))")
        self.assertTrue(tagged.startswith(b"s BAD"), tagged)
        self.ok(r, "s2", "SELECT QNeedEnable")
        _, tagged = r.cmd("f", "UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)")
        self.assertTrue(tagged.startswith(b"f BAD"), tagged)
        r.close()

    def test_vanished_replaces_expunge(self):
        self.mailbox_with("QLive", 5)
        a, b = self.raw(), self.raw()
        self.ok(a, "e", "ENABLE QRESYNC")
        lines = self.ok(a, "s", "SELECT QLive")
        self.assertIn(b"* 5 EXISTS", lines)
        self.highestmodseq(lines)  # QRESYNC implies CONDSTORE: HIGHESTMODSEQ is reported
        # Another connection (without QRESYNC) expunges UIDs 2 and 4 and flags 5.
        self.ok(b, "s", "SELECT QLive")
        self.ok(b, "st", "UID STORE 2,4 +FLAGS.SILENT (\\Deleted)")
        lines = self.ok(b, "x", "EXPUNGE")
        self.assertEqual(lines, [b"* 4 EXPUNGE", b"* 2 EXPUNGE"])
        self.ok(b, "f", "UID STORE 5 +FLAGS.SILENT (\\Flagged)")
        lines = self.ok(a, "n", "NOOP")
        self.assertIn(b"* VANISHED 2,4", lines)
        self.assertFalse([l for l in lines if l.endswith(b"EXPUNGE")], lines)
        self.assertTrue([l for l in lines if re.match(rb"\* 3 FETCH \(UID 5 FLAGS \(\\Flagged \\Recent\) MODSEQ \(\d+\)\)", l)],
                        lines)
        # Its own EXPUNGE and MOVE report VANISHED too.
        self.ok(a, "d", "STORE 1 +FLAGS.SILENT (\\Deleted)")
        lines = self.ok(a, "x", "EXPUNGE")
        self.assertEqual(lines, [b"* VANISHED 1"])
        lines = self.ok(a, "m", "MOVE 1 Archive")
        self.assertEqual(lines[-1], b"* VANISHED 3")
        self.assertTrue(lines[0].startswith(b"* OK [COPYUID "), lines)
        a.close()
        b.close()

    def test_select_qresync_and_changedsince_vanished(self):
        uidvalidity = self.mailbox_with("QSync", 6)
        a = self.raw()
        self.ok(a, "e", "ENABLE QRESYNC")
        modseq0 = self.highestmodseq(self.ok(a, "s", "SELECT QSync"))
        # While "offline": flag 2 and 6, expunge 3 and 4.
        self.ok(a, "f", "UID STORE 2,6 +FLAGS.SILENT (\\Answered)")
        self.ok(a, "d", "UID STORE 3:4 +FLAGS.SILENT (\\Deleted)")
        self.ok(a, "x", "UID EXPUNGE 3:4")
        self.ok(a, "u", "UNSELECT")

        lines = self.ok(a, "q", f"SELECT QSync (QRESYNC ({uidvalidity} {modseq0}))")
        self.assertIn(b"* 4 EXISTS", lines)
        vanished = [l for l in lines if l.startswith(b"* VANISHED")]
        self.assertEqual(vanished, [b"* VANISHED (EARLIER) 3:4"])
        fetches = [l for l in lines if b" FETCH " in l]
        self.assertEqual(len(fetches), 2, lines)
        self.assertRegex(fetches[0], rb"^\* 2 FETCH \(UID 2 FLAGS \(\\Answered\) MODSEQ \(\d+\)\)$")
        self.assertRegex(fetches[1], rb"^\* 4 FETCH \(UID 6 FLAGS \(\\Answered\) MODSEQ \(\d+\)\)$")
        # VANISHED (EARLIER) comes after the mailbox's status responses, before the FETCHes.
        self.assertLess(lines.index(vanished[0]), lines.index(fetches[0]))
        self.assertGreater(lines.index(vanished[0]), lines.index([l for l in lines if b"UIDNEXT" in l][0]))

        # known-uids restricts both the VANISHED and the FETCH responses (RFC 7162 §3.2.5.1).
        lines = self.ok(a, "q2", f"SELECT QSync (QRESYNC ({uidvalidity} {modseq0} 1:2,4))")
        self.assertIn(b"* OK [CLOSED] Previous mailbox closed", lines)
        self.assertEqual([l for l in lines if l.startswith(b"* VANISHED")], [b"* VANISHED (EARLIER) 4"])
        self.assertEqual(len([l for l in lines if b" FETCH " in l]), 1)
        # seq-match-data is accepted (the server has the whole expunge history and needs no hint).
        lines = self.ok(a, "q3", f"SELECT QSync (QRESYNC ({uidvalidity} {modseq0} 1:6 (1:2 1:2)))")
        self.assertIn(b"* VANISHED (EARLIER) 3:4", lines)
        # A different UIDVALIDITY: behave as if nothing changed.
        lines = self.ok(a, "q4", f"SELECT QSync (QRESYNC ({uidvalidity + 1} {modseq0}))")
        self.assertFalse([l for l in lines if l.startswith(b"* VANISHED") or b" FETCH " in l], lines)
        # Nothing changed since the current HIGHESTMODSEQ.
        now = self.highestmodseq(lines)
        lines = self.ok(a, "q5", f"EXAMINE QSync (QRESYNC ({uidvalidity} {now}))")
        self.assertFalse([l for l in lines if l.startswith(b"* VANISHED") or b" FETCH " in l], lines)

        # UID FETCH ... (CHANGEDSINCE m VANISHED): VANISHED (EARLIER) first, limited to the UID set.
        self.ok(a, "s", "SELECT QSync")
        lines = self.ok(a, "v", f"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {modseq0} VANISHED)")
        self.assertEqual(lines[0], b"* VANISHED (EARLIER) 3:4")
        self.assertEqual(len(lines), 3, lines)
        self.assertRegex(lines[1], rb"^\* 2 FETCH \(FLAGS \(\\Answered\) UID 2 MODSEQ \(\d+\)\)$")
        lines = self.ok(a, "v2", f"UID FETCH 4:6 (FLAGS) (CHANGEDSINCE {modseq0} VANISHED)")
        self.assertEqual(lines[0], b"* VANISHED (EARLIER) 4")
        lines = self.ok(a, "v3", f"UID FETCH 5 (FLAGS) (CHANGEDSINCE {modseq0} VANISHED)")
        self.assertEqual(lines, [])
        _, tagged = a.cmd("v4", f"FETCH 1:* (FLAGS) (CHANGEDSINCE {modseq0} VANISHED)")
        self.assertTrue(tagged.startswith(b"v4 BAD"), tagged)
        a.close()

    # --- OBJECTID ------------------------------------------------------------------------------

    def append(self, r, mailbox, data):
        data = data.encode() if isinstance(data, str) else data
        r.send(f"A APPEND {mailbox} {{{len(data)}+}}\r\n".encode() + data + b"\r\n")
        while True:
            line = r.line()
            if line.startswith(b"A "):
                break
        m = re.match(rb"A OK \[APPENDUID \d+ (\d+)\]", line)
        self.assertIsNotNone(m, line)
        return int(m.group(1))

    def test_mailboxid(self):
        r = self.raw()
        lines, _ = r.cmd("c", "CAPABILITY")
        self.assertIn(b" OBJECTID", lines[0])
        _, tagged = r.cmd("c1", "CREATE Projects")
        m = re.match(rb"c1 OK \[MAILBOXID \(([A-Za-z0-9_-]+)\)\] ", tagged)
        self.assertIsNotNone(m, tagged)
        mid = m.group(1)
        self.assertTrue(mid[:1].isalpha())
        lines = self.ok(r, "s", "STATUS Projects (MESSAGES MAILBOXID)")
        self.assertEqual(lines, [b"* STATUS Projects (MESSAGES 0 MAILBOXID (" + mid + b"))"])
        lines = self.ok(r, "sel", "SELECT Projects")
        self.assertIn(b"* OK [MAILBOXID (" + mid + b")] Ok", lines)
        self.ok(r, "u", "UNSELECT")
        # RENAME keeps the id (RFC 8474 §4); another mailbox, or the name created again, gets another.
        self.ok(r, "rn", "RENAME Projects Work")
        self.assertIn(b"MAILBOXID (" + mid + b")", self.ok(r, "s2", "STATUS Work (MAILBOXID)")[0])
        others = set()
        for line in self.ok(r, "l", 'LIST "" "*" RETURN (STATUS (MAILBOXID))'):
            if line.startswith(b"* STATUS"):
                others.add(re.search(rb"MAILBOXID \(([^)]+)\)", line).group(1))
        self.assertIn(mid, others)
        self.assertGreaterEqual(len(others), 7)  # INBOX, the five special-use ones, Work: all different
        self.ok(r, "d", "DELETE Work")
        _, tagged = r.cmd("c2", "CREATE Work")
        self.assertNotIn(b"(" + mid + b")", tagged)
        r.close()

    def test_emailid_threadid(self):
        r = self.raw()
        self.ok(r, "c", "CREATE Threads")
        root = message("thread root")  # Message-ID: <thread.root@example.org>
        reply = ("From: Bob <bob@example.org>\r\nTo: demo@example.test\r\nSubject: Re: thread root\r\n"
                 "Message-ID: <reply.1@example.org>\r\nIn-Reply-To: <thread.root@example.org>\r\n"
                 "References: <thread.root@example.org>\r\n\r\nreply\r\n")
        deeper = ("From: Carol <carol@example.org>\r\nSubject: Re: Re: thread root\r\n"
                  "Message-ID: <reply.2@example.org>\r\nIn-Reply-To: <reply.1@example.org>\r\n"
                  "References: <thread.root@example.org>\r\n <reply.1@example.org>\r\n\r\nreply 2\r\n")
        no_ids = "From: Dave <dave@example.org>\r\nSubject: lonely\r\n\r\nno message-id\r\n"
        uids = [self.append(r, "Threads", m) for m in (root, reply, deeper, message("other topic"), no_ids)]
        self.ok(r, "s", "SELECT Threads")
        ids = {}
        for line in self.ok(r, "f", "UID FETCH 1:* (EMAILID THREADID)"):
            m = re.match(rb"\* \d+ FETCH \(EMAILID \((M[0-9a-f]+)\) THREADID \((T[0-9a-f]+)\) UID (\d+)\)", line)
            self.assertIsNotNone(m, line)
            ids[int(m.group(3))] = (m.group(1), m.group(2))
        self.assertEqual(sorted(ids), uids)
        emailids = [ids[u][0] for u in uids]
        threads = [ids[u][1] for u in uids]
        self.assertEqual(len(set(emailids)), 5)
        self.assertEqual(threads[0], threads[1])
        self.assertEqual(threads[0], threads[2])
        self.assertEqual(len({threads[0], threads[3], threads[4]}), 3)
        self.assertFalse(set(emailids) & set(threads))
        # A copy keeps its EMAILID and THREADID (RFC 8474 §5.1).
        lines = self.ok(r, "cp", f"UID COPY {uids[1]} Archive")
        self.ok(r, "ex", "EXAMINE Archive")
        lines = self.ok(r, "f2", "FETCH * (EMAILID THREADID)")
        self.assertIn(b"EMAILID (" + emailids[1] + b") THREADID (" + threads[1] + b")", lines[0])
        # SEARCH EMAILID / THREADID (RFC 8474 §6).
        self.ok(r, "s2", "SELECT Threads")
        lines = self.ok(r, "q1", f"UID SEARCH EMAILID {emailids[3].decode()}")
        self.assertEqual(lines, [f"* SEARCH {uids[3]}".encode()])
        lines = self.ok(r, "q2", f"UID SEARCH THREADID {threads[0].decode()}")
        self.assertEqual(lines, [f"* SEARCH {uids[0]} {uids[1]} {uids[2]}".encode()])
        lines = self.ok(r, "q3", "UID SEARCH EMAILID Mnothere")
        self.assertEqual(lines, [b"* SEARCH"])
        lines = self.ok(r, "q4", f"UID SEARCH NOT THREADID {threads[0].decode()}")
        self.assertEqual(lines, [f"* SEARCH {uids[3]} {uids[4]}".encode()])
        r.close()

    # --- PREVIEW -------------------------------------------------------------------------------

    def test_preview(self):
        r = self.raw()
        lines, _ = r.cmd("c", "CAPABILITY")
        self.assertIn(b" PREVIEW", lines[0])
        self.ok(r, "c", "CREATE Previews")
        alternative = (
            "From: a@example.org\r\nSubject: alt\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\n"
            "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            "Caf=E9   au   lait,\r\n\r\n\tbitte =\r\nsch=F6n.\r\n--b\r\n"
            "Content-Type: text/html\r\n\r\n<p>HTML version</p>\r\n--b--\r\n")
        html_only = (
            "From: a@example.org\r\nSubject: html\r\nContent-Type: text/html; charset=utf-8\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n"
            + __import__("base64").b64encode(
                "<html><head><title>T</title><style>p {color: red}</style></head><body><!-- c -->"
                "<p>Hello&nbsp;<b>W\u00f6rld</b> &amp; co</p></body></html>".encode()).decode() + "\r\n")
        long_text = message("long", " ".join(f"word{i}" for i in range(100)) + "\r\n")
        attachment_only = (
            "From: a@example.org\r\nSubject: att\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
            "Content-Type: text/plain\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\n"
            "attached text\r\n--b\r\nContent-Type: image/png\r\n\r\nxx\r\n--b--\r\n")
        uids = [self.append(r, "Previews", m) for m in (alternative, html_only, long_text, attachment_only)]
        self.ok(r, "s", "SELECT Previews")
        r.send("f UID FETCH 1:* (PREVIEW)\r\n")
        got = {}
        while True:
            line = r.line()
            if line.startswith(b"f "):
                self.assertTrue(line.startswith(b"f OK"), line)
                break
            m = re.search(rb"\{(\d+)\}$", line)
            if m:  # 8-bit text comes as a literal for a client without UTF8=ACCEPT
                n = int(m.group(1))
                while len(r.buf) < n:
                    r.buf += r.sock.recv(65536)
                value, r.buf = r.buf[:n], r.buf[n:]
                rest = r.line()
                uid = int(re.search(rb"UID (\d+)", line + rest).group(1))
            else:
                m = re.match(rb'\* \d+ FETCH \((?:UID (\d+) )?PREVIEW "((?:[^"\\]|\\.)*)"(?: UID (\d+))?\)$', line)
                self.assertIsNotNone(m, line)
                uid = int(m.group(1) or m.group(3))
                value = m.group(2)
            got[uid] = value.decode()
        self.assertEqual(got[uids[0]], "Caf\u00e9 au lait, bitte sch\u00f6n.")
        self.assertEqual(got[uids[1]], "Hello W\u00f6rld & co")
        words = " ".join(f"word{i}" for i in range(100))
        # Cut at 200 characters (RFC 8970 allows 256), without a trailing space.
        self.assertEqual(words[199], " ")
        self.assertEqual(got[uids[2]], words[:199])
        self.assertEqual(got[uids[3]], "")
        # PREVIEW (LAZY) gives the same (nothing is left to compute later); no \Seen is set.
        lines = self.ok(r, "l", f"UID FETCH {uids[3]} (PREVIEW (LAZY) FLAGS)")
        self.assertRegex(lines[0], rb'PREVIEW "" FLAGS \(\\Recent\)')
        r.close()

    # --- COPY / MOVE ---------------------------------------------------------------------------

    def blob_files(self):
        n = 0
        for root, _, files in os.walk(os.path.join(self.server.data, "accounts")):
            if os.sep + "blobs" in root:
                n += len(files)
        return n

    def test_copy_move_keep_flags_date_and_file(self):
        r = self.raw()
        self.ok(r, "c", "CREATE CopySrc")
        self.ok(r, "c2", "CREATE CopyDst")
        data = message("copy me").encode()
        r.send(f'A APPEND CopySrc (\\Flagged $Work) "14-Jul-2020 02:44:25 -0700" {{{len(data)}+}}\r\n'.encode()
               + data + b"\r\n")
        self.assertTrue(r.line().startswith(b"A OK"))
        files = self.blob_files()
        self.ok(r, "s", "SELECT CopySrc")
        lines = self.ok(r, "f0", "FETCH 1 (FLAGS INTERNALDATE EMAILID)")
        want = re.search(rb"FLAGS \(([^)]*)\) INTERNALDATE (\"[^\"]+\") EMAILID \((\w+)\)", lines[0])
        self.assertEqual(want.group(2), b'"14-Jul-2020 09:44:25 +0000"')  # kept as an instant, shown in UTC
        _, tagged = r.cmd("cp", "COPY 1 CopyDst")
        self.assertRegex(tagged, rb"^cp OK \[COPYUID \d+ 1 1\] ")
        lines = self.ok(r, "mv", "MOVE 1 CopyDst")
        self.assertRegex(lines[0], rb"^\* OK \[COPYUID \d+ 1 2\] ")
        self.assertEqual(lines[1:], [b"* 1 EXPUNGE"])
        self.assertEqual(self.blob_files(), files)  # no new file for either: new rows on the same blob
        self.ok(r, "e", "EXAMINE CopyDst")
        lines = self.ok(r, "f1", "FETCH 1:2 (FLAGS INTERNALDATE EMAILID)")
        self.assertEqual(len(lines), 2)
        for line in lines:
            got = re.search(rb"FLAGS \(([^)]*)\) INTERNALDATE (\"[^\"]+\") EMAILID \((\w+)\)", line)
            self.assertEqual(sorted(got.group(1).replace(b" \\Recent", b"").split()),
                             sorted(want.group(1).replace(b" \\Recent", b"").split()))
            self.assertEqual(got.group(2), want.group(2))
            self.assertEqual(got.group(3), want.group(3))
        lines = self.ok(r, "st", "STATUS CopySrc (MESSAGES)")
        self.assertIn(b"MESSAGES 0", lines[0])
        _, tagged = r.cmd("no", "COPY 1 NoSuchBox")
        self.assertTrue(tagged.startswith(b"no NO [TRYCREATE]"), tagged)
        r.close()

    # --- LIST-EXTENDED ---------------------------------------------------------------------------

    def test_list_nonexistent_and_childinfo(self):
        r = self.raw()
        for name in ("Customers/ABC", "Customers/XYZ", "Lists/Sub/Deep", "Plain", "Unsubscribed"):
            self.ok(r, "c", f"CREATE {name}")
        # DELETE keeps inferior names (RFC 9051 §6.3.5): "Customers" and "Lists/Sub" stop existing.
        self.ok(r, "d1", "DELETE Customers")
        self.ok(r, "d2", "DELETE Lists/Sub")
        self.ok(r, "s1", "SUBSCRIBE Customers/ABC")
        self.ok(r, "s2", "SUBSCRIBE Lists/Sub/Deep")
        self.ok(r, "s3", "SUBSCRIBE Plain")

        lines = self.ok(r, "l1", 'LIST "" %')
        self.assertIn(b'* LIST (\\NonExistent \\HasChildren) "/" Customers', lines)
        self.assertIn(b'* LIST (\\HasChildren) "/" Lists', lines)
        self.assertNotIn(b"Customers/ABC", b"\n".join(lines))
        # With "*" the children themselves are listed; a name that is no mailbox is not.
        lines = self.ok(r, "l2", 'LIST "" *')
        self.assertIn(b'* LIST (\\HasNoChildren) "/" Customers/ABC', lines)
        self.assertFalse([l for l in lines if l.endswith(b'"/" Customers') or b"NonExistent" in l], lines)
        lines = self.ok(r, "l3", 'LIST "" Lists/%')
        self.assertEqual(lines, [b'* LIST (\\NonExistent \\HasChildren) "/" Lists/Sub'])
        # LIST-STATUS skips names that are not mailboxes (RFC 5819 §2).
        lines = self.ok(r, "l4", 'LIST "" Customers RETURN (STATUS (MESSAGES))')
        self.assertEqual(lines, [b'* LIST (\\NonExistent \\HasChildren) "/" Customers'])

        # RFC 5258 §3.5: RECURSIVEMATCH returns parents of subscribed children with CHILDINFO.
        lines = self.ok(r, "r1", 'LIST (SUBSCRIBED RECURSIVEMATCH) "" %')
        self.assertIn(b'* LIST (\\NonExistent \\HasChildren) "/" Customers ("CHILDINFO" ("SUBSCRIBED"))', lines)
        self.assertIn(b'* LIST (\\HasChildren) "/" Lists ("CHILDINFO" ("SUBSCRIBED"))', lines)
        self.assertIn(b'* LIST (\\HasNoChildren \\Subscribed) "/" Plain', lines)
        self.assertFalse([l for l in lines if b'"/" Unsubscribed' in l], lines)  # neither subscribed nor a parent
        self.assertIn(b'* LIST (\\HasNoChildren \\Subscribed \\Archive) "/" Archive', lines)
        # Without RECURSIVEMATCH: only subscribed mailboxes, never CHILDINFO.
        lines = self.ok(r, "r2", 'LIST (SUBSCRIBED) "" %')
        self.assertFalse([l for l in lines if b"CHILDINFO" in l or b"Customers" in l], lines)
        self.assertIn(b'* LIST (\\HasNoChildren \\Subscribed) "/" Plain', lines)
        # A matching child that is itself returned makes CHILDINFO redundant (RFC 5258 §3.5).
        lines = self.ok(r, "r3", 'LIST (SUBSCRIBED RECURSIVEMATCH) "" *')
        self.assertFalse([l for l in lines if b"CHILDINFO" in l], lines)
        self.assertIn(b'* LIST (\\HasNoChildren \\Subscribed) "/" Customers/ABC', lines)
        _, tagged = r.cmd("r4", 'LIST (RECURSIVEMATCH) "" %')
        self.assertTrue(tagged.startswith(b"r4 BAD"), tagged)
        r.close()


if __name__ == "__main__":
    unittest.main()
