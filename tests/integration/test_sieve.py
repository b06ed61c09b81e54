"""`postamt sieve` script management: put/get/list/activate/deactivate/delete/rename per user, one
active script, RFC 5804 rules (the active script cannot be deleted, rename keeps it active); the
active script at delivery over SMTP, LMTP and `postamt deliver`: fileinto (:create), discard,
redirect through the queue (RFC 5228 §4.2), reject/ereject (RFC 5429), vacation (RFC 5230),
duplicate (RFC 7352), and alias targets outside our domains queued."""
import imaplib
import os
import re
import smtplib
import socket
import ssl
import time
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


def mailbox_counts(server, user):
    """{mailbox: messages} from `postamt mailbox list USER`."""
    p = server.cli("mailbox", "list", user, check=True)
    out = {}
    for line in p.stdout_text.splitlines():
        f = line.split()
        out[f[0]] = int(dict(x.split("=", 1) for x in f[1:] if "=" in x)["messages"])
    return out


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
        return mailbox_counts(self.server, user)

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


# The issue's script (issue 6) with a redirect; boss@example.test is a local user.
REDIRECT_SCRIPT = ('require ["fileinto"];\r\n'
                   'if allof (header :contains "subject" "urgent") { redirect "boss@example.test"; }\r\n'
                   'if allof (header :contains "subject" "kongress") { fileinto "INBOX.KNF.Kongress"; }\r\n'
                   'elsif allof (header :contains "subject" "[tc]") { fileinto "INBOX.KNF.Technik"; }\r\n'
                   'elsif allof (header :contains "subject" "ADV:") { discard; }\r\n'
                   'else { keep; }\r\n')


def mail(subject, sender="alice@example.org", to="demo@example.test", extra="", mid=None):
    mid = mid or f"<{abs(hash((subject, sender, extra)))}.{time.time_ns()}@example.org>"
    return (f"From: <{sender}>\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: {mid}\r\n{extra}\r\nHi.\r\n")


def lmtp_transaction(port, sender, recipients, message):
    """One LMTP transaction (RFC 2033): returns the per-recipient replies to the end of data."""
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    f = s.makefile("rb")

    def reply():
        lines = []
        while True:
            line = f.readline().decode()
            lines.append(line.rstrip("\r\n"))
            if len(line) < 4 or line[3] != "-":
                return lines

    reply()
    for cmd in ["LHLO client.example", f"MAIL FROM:<{sender}>"] + [f"RCPT TO:<{r}>" for r in recipients] + ["DATA"]:
        s.sendall(cmd.encode() + b"\r\n")
        reply()
    s.sendall(message.encode() + b".\r\n")
    out = [reply() for _ in recipients]
    s.sendall(b"QUIT\r\n")
    s.close()
    return out


class SieveActionsTest(unittest.TestCase):
    """Redirect, reject/ereject, vacation, duplicate and fileinto :create performed at delivery."""

    def setUp(self):
        self.server = Postamt()
        for user in ("demo", "other", "boss"):
            self.server.add_user(f"{user}@example.test", f"pw-{user}-1")
        # Remote mail goes to a smarthost that refuses connections (a port bound here but not listening),
        # so it stays in the queue to be listed.
        self.closed = socket.socket()
        self.closed.bind(("127.0.0.1", 0))
        with open(self.server.config) as f:
            text = f.read()
        with open(self.server.config, "w") as f:
            f.write(text.replace('smarthost = ""', f'smarthost = "127.0.0.1:{self.closed.getsockname()[1]}"', 1))
        self.server.start()

    def tearDown(self):
        self.server.cleanup()
        self.closed.close()

    def activate(self, user, script):
        p = self.server.cli("sieve", "put", "--user", user, "s", input=script)
        self.assertEqual(p.returncode, 0, p.stderr_text)
        self.assertEqual(self.server.cli("sieve", "activate", "--user", user, "s").returncode, 0)

    def smtp(self, recipients, message, sender="alice@example.org"):
        s = smtplib.SMTP("127.0.0.1", self.server.port("smtp"), timeout=30)
        try:
            return s.sendmail(sender, recipients, message)
        finally:
            s.quit()

    def counts(self, user):
        return mailbox_counts(self.server, user)

    def wait_for(self, user, mailbox, n, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.counts(user).get(mailbox, 0) >= n:
                return
            time.sleep(0.3)
        self.fail(f"{user} {mailbox} never reached {n} messages: {self.counts(user)}")

    def queue(self):
        """[(sender, [recipients], id)] of `postamt queue list`."""
        out = []
        for line in self.server.cli("queue", "list", check=True).stdout_text.splitlines():
            m = re.match(r"(\S+) (active|held) .* from=<([^>]*)>", line)
            if m:
                out.append((m.group(3), [], m.group(1)))
            m = re.match(r"\s+to=<([^>]*)>", line)
            if m and out:
                out[-1][1].append(m.group(1))
        return out

    def queued_message(self, qid):
        with open(os.path.join(self.server.data, "queue", "messages", qid + ".eml"), "rb") as f:
            return f.read()

    def test_issue_script_redirects_locally_and_remotely(self):
        self.activate("demo@example.test", REDIRECT_SCRIPT)
        self.activate("other@example.test", 'redirect "far@remote.test";\r\n')
        imap = imaplib.IMAP4_SSL("127.0.0.1", self.server.port("imaps"), ssl_context=ssl.create_default_context(
            cafile=os.path.join(self.server.data, "tls", "ca.crt")))
        imap.login("demo@example.test", "pw-demo-1")
        self.assertEqual(imap.create("KNF/Kongress")[0], "OK")
        imap.logout()
        self.assertEqual(self.smtp(["demo@example.test"], mail("urgent: call me")), {})
        self.assertEqual(self.smtp(["demo@example.test"], mail("urgent kongress")), {})
        self.assertEqual(self.smtp(["demo@example.test"], mail("ADV: sale")), {})
        self.assertEqual(self.smtp(["other@example.test"], mail("to other")), {})
        # The redirects reach boss's INBOX through the queue; urgent alone is also kept (explicit keep).
        self.wait_for("boss@example.test", "INBOX", 2)
        c = self.counts("demo@example.test")
        self.assertEqual((c["INBOX"], c["KNF/Kongress"]), (1, 1))
        self.assertEqual(self.counts("other@example.test")["INBOX"], 0)
        remote = [q for q in self.queue() if "far@remote.test" in q[1]]
        self.assertEqual(len(remote), 1, self.queue())
        self.assertEqual(remote[0][0], "alice@example.org")  # RFC 5228 §4.2: the original envelope sender
        body = self.queued_message(remote[0][2])
        self.assertIn(b"X-Sieve-Redirected-By: <other@example.test>\r\n", body)
        self.assertNotIn(b"Return-Path:", body)
        self.assertIn(b"Subject: to other\r\n", body)

    def test_redirect_from_deliver_command_is_sent_by_the_server(self):
        self.activate("demo@example.test", REDIRECT_SCRIPT)
        p = self.server.deliver("demo@example.test", mail("urgent ADV: both"), sender="alice@example.org")
        self.assertEqual(p.returncode, 0, p.stderr_text)
        self.wait_for("boss@example.test", "INBOX", 1)
        self.assertEqual(self.counts("demo@example.test")["INBOX"], 0)  # redirected, then discarded

    def test_redirect_loop_is_kept(self):
        self.activate("demo@example.test", 'redirect "boss@example.test";\r\n')
        self.activate("boss@example.test", 'redirect "demo@example.test";\r\n')
        self.smtp(["demo@example.test"], mail("ping pong"))
        self.wait_for("demo@example.test", "INBOX", 1)
        time.sleep(1.5)
        self.assertEqual(self.counts("demo@example.test")["INBOX"], 1)
        self.assertEqual(self.counts("boss@example.test")["INBOX"], 0)

    def test_vacation_once_per_sender_never_to_lists_or_bounces(self):
        self.activate("demo@example.test",
                      'require "vacation";\r\nvacation :days 3 :subject "Away" "Back on Monday.";\r\n')
        self.smtp(["demo@example.test"], mail("first"))
        self.smtp(["demo@example.test"], mail("second"))
        self.smtp(["demo@example.test"], mail("list", extra="List-Id: <l.example.org>\r\n"), sender="bob@example.org")
        self.smtp(["demo@example.test"], mail("auto", extra="Auto-Submitted: auto-replied\r\n"), sender="carl@example.org")
        self.smtp(["demo@example.test"], mail("bounce"), sender="")
        self.assertEqual(self.counts("demo@example.test")["INBOX"], 5)
        replies = [q for q in self.queue() if q[0] == ""]
        self.assertEqual([q[1] for q in replies], [["alice@example.org"]], self.queue())
        body = self.queued_message(replies[0][2])
        self.assertIn(b"\r\nSubject: Away\r\n", body)
        self.assertIn(b"\r\nAuto-Submitted: auto-replied", body)
        self.assertIn(b"From: <demo@example.test>\r\n", body)

    def test_reject_over_smtp_single_recipient(self):
        self.activate("demo@example.test", 'require "reject";\r\nreject "I do not want this";\r\n')
        with self.assertRaises(smtplib.SMTPDataError) as e:
            self.smtp(["demo@example.test"], mail("hello"))
        self.assertEqual(e.exception.smtp_code, 550)
        self.assertIn(b"5.7.1", e.exception.smtp_error)
        self.assertIn(b"I do not want this", e.exception.smtp_error)
        self.assertEqual(self.counts("demo@example.test")["INBOX"], 0)
        self.assertEqual(self.queue(), [])

    def test_reject_over_smtp_with_another_recipient_sends_a_notice(self):
        self.activate("demo@example.test", 'require "reject";\r\nreject "not from you";\r\n')
        self.assertEqual(self.smtp(["demo@example.test", "other@example.test"], mail("hi")), {})
        self.assertEqual(self.counts("demo@example.test")["INBOX"], 0)
        self.assertEqual(self.counts("other@example.test")["INBOX"], 1)
        notices = [q for q in self.queue() if q[0] == ""]
        self.assertEqual([q[1] for q in notices], [["alice@example.org"]])
        self.assertIn(b"disposition-notification", self.queued_message(notices[0][2]))

    def test_reject_over_lmtp_is_per_recipient(self):
        self.activate("demo@example.test", 'require "ereject";\r\nereject "go away";\r\n')
        replies = lmtp_transaction(self.server.port("lmtp"), "alice@example.org",
                                   ["demo@example.test", "other@example.test"], mail("hi"))
        self.assertTrue(replies[0][-1].startswith("550 5.7.1"), replies)
        self.assertIn("go away", replies[0][-1])
        self.assertTrue(replies[1][-1].startswith("250 "), replies)
        self.assertEqual(self.counts("demo@example.test")["INBOX"], 0)
        self.assertEqual(self.counts("other@example.test")["INBOX"], 1)
        self.assertEqual(self.queue(), [])

    def test_reject_from_deliver_command_exits_77(self):
        self.activate("demo@example.test", 'require "reject";\r\nreject "full";\r\n')
        p = self.server.deliver("demo@example.test", mail("x"), sender="alice@example.org")
        self.assertEqual(p.returncode, 77)
        self.assertIn("full", p.stderr_text)
        self.assertEqual(self.counts("demo@example.test")["INBOX"], 0)

    def test_duplicate_and_fileinto_create(self):
        self.activate("demo@example.test", 'require ["duplicate", "fileinto", "mailbox"];\r\n'
                                           'if duplicate { fileinto :create "INBOX.Dups"; }\r\n')
        m = mail("twice", mid="<same@example.org>")
        self.smtp(["demo@example.test"], m)
        self.smtp(["demo@example.test"], m)
        self.smtp(["demo@example.test"], mail("other id"))
        c = self.counts("demo@example.test")
        self.assertEqual((c["INBOX"], c.get("Dups")), (2, 1))

    def test_remote_alias_targets_are_queued(self):
        self.server.cli("alias", "add", "team@example.test", "demo@example.test", "far@remote.test", check=True)
        self.assertEqual(self.smtp(["team@example.test"], mail("for the team")), {})
        self.assertEqual(self.counts("demo@example.test")["INBOX"], 1)
        self.assertEqual([(q[0], q[1]) for q in self.queue()], [("alice@example.org", ["far@remote.test"])])


SPAM_SCRIPT = ('require ["spamtest", "relational", "comparator-i;ascii-numeric", "fileinto"];\r\n'
               'if spamtest :value "ge" :comparator "i;ascii-numeric" "6" { fileinto "Junk"; }\r\n')


class SieveSpamtestTest(unittest.TestCase):
    """RFC 5235 spamtest at delivery reads the header [sieve] spamtest_header names (docs/sieve.md)."""

    def setUp(self):
        self.server = Postamt()
        self.server.add_user("demo@example.test", "pw-demo-1")
        with open(self.server.config) as f:
            cfg = f.read()
        cfg, n = re.subn(r'(?m)^spamtest_header = ""$', 'spamtest_header = "X-Spam-Score"', cfg)
        self.assertEqual(n, 1)
        with open(self.server.config, "w") as f:
            f.write(cfg)
        check = self.server.run("check-config", "-c", self.server.config)
        self.assertEqual(check.returncode, 0, check.stderr_text)
        put = self.server.cli("sieve", "put", "--user", "demo@example.test", "spam", input=SPAM_SCRIPT)
        self.assertEqual(put.returncode, 0, put.stderr_text)
        self.assertEqual(self.server.cli("sieve", "activate", "--user", "demo@example.test", "spam").returncode, 0)
        self.server.start()
        self.assertIn("Junk", mailbox_counts(self.server, "demo@example.test"))  # every account has one

    def tearDown(self):
        self.server.cleanup()

    def test_spam_score_header_files_into_junk(self):
        s = smtplib.SMTP("127.0.0.1", self.server.port("smtp"), timeout=20)
        s.sendmail("alice@example.org", ["demo@example.test"], "X-Spam-Score: 8.5\r\n" + message("spammy"))
        s.sendmail("alice@example.org", ["demo@example.test"], "X-Spam-Score: 1.0\r\n" + message("fine"))
        s.sendmail("alice@example.org", ["demo@example.test"], message("unscanned"))
        s.quit()
        c = mailbox_counts(self.server, "demo@example.test")
        self.assertEqual((c["Junk"], c["INBOX"]), (1, 2))
        # `postamt deliver` reads the same configuration.
        p = self.server.deliver("demo@example.test", "X-Spam-Score: 9.9\r\n" + message("spam via deliver"))
        self.assertEqual(p.returncode, 0, p.stderr_text)
        c = mailbox_counts(self.server, "demo@example.test")
        self.assertEqual((c["Junk"], c["INBOX"]), (2, 2))
