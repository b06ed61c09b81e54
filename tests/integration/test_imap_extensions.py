"""IMAP extensions end to end on raw sockets (exact response lines): QRESYNC (RFC 7162 §3.2: ENABLE,
SELECT (QRESYNC ...) with VANISHED (EARLIER), UID FETCH (CHANGEDSINCE n VANISHED), VANISHED instead of
EXPUNGE)."""
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


if __name__ == "__main__":
    unittest.main()
