"""`postamt sieve` script management: put/get/list/activate/deactivate/delete/rename per user, one
active script, RFC 5804 rules (the active script cannot be deleted, rename keeps it active)."""
import imaplib
import os
import smtplib
import ssl
import unittest

from harness import Postamt

SCRIPT = ('require ["fileinto", "imap4flags"];\r\n'
          'if header :contains "subject" "[tc]" { addflag "$Technik"; fileinto "INBOX.KNF.Technik"; }\r\n'
          'elsif header :contains "subject" "ADV:" { discard; }\r\n')


class SieveCliTest(unittest.TestCase):
    def setUp(self):
        self.server = Postamt()
        self.server.add_user("demo@example.test", "pw-demo-1")
        self.server.add_user("other@example.test", "pw-other-1")

    def tearDown(self):
        self.server.cleanup()

    def sieve(self, *args, input=None):
        return self.server.cli("sieve", args[0], "--user", "demo@example.test", *args[1:], input=input)

    def test_put_get_list_activate(self):
        self.assertEqual(self.sieve("put", "main", input=SCRIPT).returncode, 0)
        self.assertEqual(self.sieve("put", "spare", input="keep;\r\n").returncode, 0)
        got = self.sieve("get", "main")
        self.assertEqual(got.returncode, 0, got.stderr_text)
        self.assertEqual(got.stdout, SCRIPT.encode())
        self.assertEqual(self.sieve("list").stdout_text.splitlines(),
                         [f"main size={len(SCRIPT)}", "spare size=7"])
        self.assertEqual(self.sieve("activate", "main").returncode, 0)
        self.assertEqual(self.sieve("activate", "spare").returncode, 0)
        self.assertEqual(self.sieve("list").stdout_text.splitlines(),
                         [f"main size={len(SCRIPT)}", "spare ACTIVE size=7"])
        # Scripts belong to one user.
        other = self.server.cli("sieve", "list", "--user", "other@example.test")
        self.assertEqual((other.returncode, other.stdout_text), (0, ""))

    def test_delete_and_rename_rules(self):
        self.sieve("put", "a", input="keep;")
        self.sieve("activate", "a")
        p = self.sieve("delete", "a")
        self.assertEqual(p.returncode, 65)
        self.assertIn("active", p.stderr_text)
        self.assertEqual(self.sieve("rename", "a", "b").returncode, 0)
        self.assertEqual(self.sieve("list").stdout_text, "b ACTIVE size=5\n")
        self.assertEqual(self.sieve("deactivate").returncode, 0)
        self.assertEqual(self.sieve("delete", "b").returncode, 0)
        self.assertEqual(self.sieve("list").stdout_text, "")
        self.assertEqual(self.sieve("get", "b").returncode, 66)
        self.assertEqual(self.sieve("activate", "b").returncode, 65)

    def test_usage_and_unknown_user(self):
        self.assertEqual(self.server.cli("sieve", "list", "--user", "nobody@example.test").returncode, 67)
        self.assertEqual(self.sieve("frobnicate", "x").returncode, 64)
        self.assertEqual(self.sieve("put").returncode, 64)
        self.assertEqual(self.sieve("put", "bad\x01name", input="keep;").returncode, 65)


ISSUE_SCRIPT = ('require ["fileinto", "imap4flags"];\r\n'
                'if header :contains "subject" "kongress" { fileinto "INBOX.KNF.Kongress"; }\r\n'
                'elsif header :contains "subject" "[tc]" { addflag "$Technik"; fileinto "INBOX.KNF.Technik"; }\r\n'
                'elsif header :contains "subject" "ADV:" { discard; }\r\n'
                'elsif header :contains "subject" "missing" { fileinto "INBOX.Nowhere"; }\r\n'
                'else { keep; }\r\n')


def message(subject):
    return (f"From: Alice <alice@example.org>\r\nTo: demo@example.test\r\nSubject: {subject}\r\n"
            f"Message-ID: <{abs(hash(subject))}@example.org>\r\n\r\nHi.\r\n")


class SieveDeliveryTest(unittest.TestCase):
    """The active script runs for `postamt deliver` and SMTP; INBOX. names map onto the / hierarchy."""

    def setUp(self):
        self.server = Postamt()
        self.server.add_user("demo@example.test", "pw-demo-1")
        self.server.add_user("other@example.test", "pw-other-1")
        self.server.start()
        self.ctx = ssl.create_default_context(cafile=os.path.join(self.server.data, "tls", "ca.crt"))
        c = self.imap()
        for box in ("KNF/Kongress", "KNF/Technik"):
            self.assertEqual(c.create(box)[0], "OK")
        c.logout()

    def tearDown(self):
        self.server.cleanup()

    def imap(self):
        c = imaplib.IMAP4_SSL("127.0.0.1", self.server.port("imaps"), ssl_context=self.ctx)
        c.login("demo@example.test", "pw-demo-1")
        return c

    def counts(self, user="demo@example.test"):
        p = self.server.cli("mailbox", "list", user, check=True)
        out = {}
        for line in p.stdout_text.splitlines():
            f = line.split()
            out[f[0]] = int(dict(x.split("=", 1) for x in f[1:] if "=" in x)["messages"])
        return out

    def test_issue_script_through_deliver_and_smtp(self):
        put = self.server.cli("sieve", "put", "--user", "demo@example.test", "knf", input=ISSUE_SCRIPT)
        self.assertEqual(put.returncode, 0, put.stderr_text)
        self.assertEqual(self.server.cli("sieve", "activate", "--user", "demo@example.test", "knf").returncode, 0)
        for subj in ("Einladung kongress 2027", "[tc] build broken", "ADV: cheap", "missing folder", "plain"):
            p = self.server.deliver("demo@example.test", message(subj), sender="alice@example.org")
            self.assertEqual(p.returncode, 0, p.stderr_text)
        s = smtplib.SMTP("127.0.0.1", self.server.port("smtp"), timeout=20)
        for subj in ("more kongress", "[tc] again", "ADV: spam"):
            s.sendmail("alice@example.org", ["demo@example.test", "other@example.test"], message(subj))
        s.quit()
        c = self.counts()
        self.assertEqual(c["KNF/Kongress"], 2)
        self.assertEqual(c["KNF/Technik"], 2)
        self.assertEqual(c["INBOX"], 2)  # "missing folder" fell back to INBOX, "plain" kept; ADV: discarded
        self.assertEqual(self.counts("other@example.test")["INBOX"], 3)  # no script: everything kept
        imap = self.imap()
        imap.select("KNF/Technik")
        typ, data = imap.fetch("1:*", "(FLAGS)")
        self.assertEqual(typ, "OK")
        self.assertEqual(len(data), 2)
        for d in data:
            self.assertIn(b"$Technik", d)
        imap.logout()

    def test_invalid_script_is_refused_with_position(self):
        p = self.server.cli("sieve", "put", "--user", "demo@example.test", "bad", input='fileinto "x";\r\n')
        self.assertEqual(p.returncode, 65)
        self.assertRegex(p.stderr_text, r"^1:1: ")
        self.assertEqual(self.server.cli("sieve", "list", "--user", "demo@example.test").stdout_text, "")

    def test_sieve_test_prints_actions(self):
        script = os.path.join(self.server.data, "s.sieve")
        msg = os.path.join(self.server.data, "m.eml")
        with open(script, "w") as f:
            f.write(ISSUE_SCRIPT)
        with open(msg, "w") as f:
            f.write(message("[tc] hi"))
        p = self.server.run("sieve", "test", script, msg, "--envelope-from", "alice@example.org")
        self.assertEqual(p.returncode, 0, p.stderr_text)
        self.assertEqual(p.stdout_text, 'fileinto "INBOX.KNF.Technik" flags $Technik\n')
        self.assertEqual(self.counts()["INBOX"], 0)


if __name__ == "__main__":
    unittest.main()
