"""IMAP against real third-party clients: mbsync (isync) syncing a 1,000-message account both ways
(Far -> Near into a Maildir, then new local messages and flag changes Near -> Far), and neomutt reading
INBOX over imaps:// in batch mode (driven through a pseudo-terminal, copying every listed message into
a local mbox that the test then reads)."""
import imaplib
import os
import pty
import re
import select
import shutil
import smtplib
import ssl
import subprocess
import time
import unittest

from harness import Postamt

USER, PASSWORD = "demo@example.test", "demo-password-1"
COUNT = 1000


def message(i, body=None):
    return (f"From: Sender {i} <sender{i}@example.org>\r\nTo: {USER}\r\nSubject: bulk {i}\r\n"
            f"Date: Tue, 1 Jul 2003 10:52:37 +0200\r\nMessage-ID: <bulk.{i}@example.org>\r\n\r\n"
            f"{body or f'body of message {i}'}\r\n")


def maildir_files(path):
    out = []
    for sub in ("cur", "new"):
        d = os.path.join(path, sub)
        if os.path.isdir(d):
            out += [os.path.join(d, f) for f in os.listdir(d)]
    return out


@unittest.skipUnless(shutil.which("mbsync"), "mbsync (isync) not installed")
class MbsyncTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Postamt()
        cls.server.add_user(USER, PASSWORD)
        cls.server.start()
        cls.ca = os.path.join(cls.server.data, "tls", "ca.crt")
        cls.ctx = ssl.create_default_context(cafile=cls.ca)
        # 1,000 deliveries through LMTP on one connection (the delivery pipeline, one fsync each).
        with smtplib.LMTP("127.0.0.1", cls.server.port("lmtp"), timeout=60) as lmtp:
            for i in range(COUNT):
                refused = lmtp.sendmail(f"sender{i}@example.org", [USER], message(i).encode())
                assert not refused, refused

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def imap(self):
        c = imaplib.IMAP4_SSL("127.0.0.1", self.server.port("imaps"), ssl_context=self.ctx)
        c.login(USER, PASSWORD)
        return c

    def mbsync(self, config, *args):
        p = subprocess.run(["mbsync", "-c", config, *args], capture_output=True, timeout=600)
        out = p.stdout.decode(errors="replace") + p.stderr.decode(errors="replace")
        self.assertEqual(p.returncode, 0, out[-4000:] + "\n" + self.server.server_log()[-3000:])
        return out

    def test_sync_both_ways(self):
        near = os.path.join(self.server.tmp, "maildir")
        os.makedirs(near)
        config = os.path.join(self.server.tmp, "mbsyncrc")
        with open(config, "w") as f:
            f.write(f"""IMAPAccount far
Host localhost
Port {self.server.port("imaps")}
User {USER}
Pass {PASSWORD}
SSLType IMAPS
CertificateFile {self.ca}
AuthMechs PLAIN

IMAPStore far
Account far

MaildirStore near
Path {near}/
Inbox {near}/INBOX
SubFolders Verbatim

Channel all
Far :far:
Near :near:
Patterns INBOX Archive
Create Both
Expunge Both
Sync All
SyncState *
""")
        # Far -> Near: every message arrives with its exact bytes.
        start = time.time()
        self.mbsync(config, "-a")
        first_sync = time.time() - start
        inbox = os.path.join(near, "INBOX")
        files = maildir_files(inbox)
        self.assertEqual(len(files), COUNT)
        subjects = set()
        for path in files:
            with open(path, "rb") as fh:
                data = fh.read()
            m = re.search(rb"^Subject: bulk (\d+)\r?$", data, re.M)
            self.assertIsNotNone(m, data[:300])
            subjects.add(int(m.group(1)))
            self.assertIn(f"body of message {int(m.group(1))}".encode(), data)
        self.assertEqual(subjects, set(range(COUNT)))
        self.assertLess(first_sync, 300)

        # A second run with nothing new changes nothing.
        self.mbsync(config, "-a")
        self.assertEqual(len(maildir_files(inbox)), COUNT)

        # Near -> Far: new local messages (one into a folder the server has too), a local \Seen and a
        # local deletion.
        for i in range(5):
            name = f"{int(time.time())}.local{i}.host"
            with open(os.path.join(inbox, "new", name), "wb") as fh:
                fh.write(message(COUNT + i, f"written locally {i}").encode())
        archive = os.path.join(near, "Archive")
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(archive, sub), exist_ok=True)
        with open(os.path.join(archive, "new", "1.archived.host"), "wb") as fh:
            fh.write(message(5000, "archived locally").encode())
        synced = sorted(f for f in maildir_files(inbox) if ",U=" in f)
        self.assertEqual(len(synced), COUNT)
        seen_path, gone_path = synced[0], synced[1]
        seen_uid = int(re.search(r",U=(\d+)", seen_path).group(1))
        gone_uid = int(re.search(r",U=(\d+)", gone_path).group(1))
        # Maildir: a message read locally moves to cur/ with the S info flag.
        base, _, info = os.path.basename(seen_path).partition(":2,")
        os.rename(seen_path, os.path.join(inbox, "cur", base + ":2," + "".join(sorted(info + "S"))))
        os.unlink(gone_path)
        self.mbsync(config, "-a")

        c = self.imap()
        typ, data = c.status("INBOX", "(MESSAGES)")
        self.assertEqual(typ, "OK")
        self.assertIn(f"MESSAGES {COUNT + 5 - 1}".encode(), data[0])
        c.select("INBOX")
        typ, data = c.uid("SEARCH", None, 'BODY "written locally"')
        self.assertEqual(len(data[0].split()), 5)
        typ, data = c.uid("FETCH", str(seen_uid), "(FLAGS)")
        self.assertIn(b"\\Seen", data[0])
        typ, data = c.uid("SEARCH", None, f"UID {gone_uid}")
        self.assertEqual(data[0], b"")
        typ, data = c.status("Archive", "(MESSAGES)")
        self.assertIn(b"MESSAGES 1", data[0])
        # A server-side change flows back: flag one message on the server, expunge another.
        typ, data = c.uid("SEARCH", None, "SUBJECT \"bulk 7\"")
        flagged_uid = data[0].split()[0].decode()
        c.uid("STORE", flagged_uid, "+FLAGS", "(\\Flagged)")
        typ, data = c.uid("SEARCH", None, "SUBJECT \"bulk 8\"")
        expunged_uid = data[0].split()[0].decode()
        c.uid("STORE", expunged_uid, "+FLAGS", "(\\Deleted)")
        c.expunge()
        c.logout()
        self.mbsync(config, "-a")
        files = maildir_files(inbox)
        self.assertEqual(len(files), COUNT + 5 - 2)
        flagged = [f for f in files if f",U={flagged_uid}:" in f]
        self.assertEqual(len(flagged), 1)
        self.assertIn("F", flagged[0].split(":2,")[1])
        self.assertFalse([f for f in files if f",U={expunged_uid}:" in f])


@unittest.skipUnless(shutil.which("neomutt"), "neomutt not installed")
class NeomuttTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Postamt()
        cls.server.add_user(USER, PASSWORD)
        cls.server.start()
        cls.ca = os.path.join(cls.server.data, "tls", "ca.crt")
        for i in range(12):
            r = cls.server.deliver(USER, message(i))
            assert r.returncode == 0, r.stderr_text

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def run_neomutt(self, muttrc, push, timeout=90):
        """Runs neomutt on a pseudo-terminal (it needs one even when every key is pushed) and returns
        the screen output."""
        master, slave = pty.openpty()
        env = dict(os.environ, TERM="xterm", HOME=self.server.tmp, LC_ALL="C.UTF-8")
        p = subprocess.Popen(["neomutt", "-n", "-F", muttrc, "-e", f"push '{push}'"],
                             stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
        os.close(slave)
        screen = b""
        deadline = time.time() + timeout
        try:
            while time.time() < deadline:
                r, _, _ = select.select([master], [], [], 0.5)
                if r:
                    try:
                        chunk = os.read(master, 65536)
                    except OSError:
                        break
                    if not chunk:
                        break
                    screen += chunk
                elif p.poll() is not None:
                    break
        finally:
            if p.poll() is None:
                p.kill()
            p.wait()
            os.close(master)
        return p.returncode, screen.decode(errors="replace")

    def test_reads_inbox_in_batch_mode(self):
        out = os.path.join(self.server.tmp, "copied.mbox")
        muttrc = os.path.join(self.server.tmp, "muttrc")
        with open(muttrc, "w") as f:
            f.write(f"""set folder="imaps://localhost:{self.server.port('imaps')}/"
set spoolfile="+INBOX"
set imap_user="{USER}"
set imap_pass="{PASSWORD}"
set ssl_ca_certificates_file="{self.ca}"
set ssl_force_tls=yes
set certificate_file="{self.server.tmp}/neomutt-certs"
set header_cache=""
set message_cachedir=""
set mbox_type=mbox
set confirmcreate=no
set confirmappend=no
set quit=yes
set move=no
set mark_old=no
set wait_key=no
set sort=date-sent
set imap_check_subscribed=no
""")
        # Tag every message the index lists, copy the tagged ones into a local mbox, quit.
        code, screen = self.run_neomutt(
            muttrc, f"<tag-pattern>~A<enter><tag-prefix><copy-message><kill-line>{out}<enter><quit>")
        self.assertEqual(code, 0, screen[-3000:])
        self.assertTrue(os.path.exists(out), screen[-3000:] + self.server.server_log()[-3000:])
        with open(out, "rb") as fh:
            data = fh.read()
        subjects = sorted(int(s) for s in re.findall(rb"^Subject: bulk (\d+)\r?$", data, re.M))
        self.assertEqual(subjects, list(range(12)))
        for i in range(12):
            self.assertIn(f"body of message {i}".encode(), data)
        # The index really was drawn from the server's answers.
        self.assertIn("bulk 11", screen)
        # The server still holds every message (copying is not moving).
        ctx = ssl.create_default_context(cafile=self.ca)
        c = imaplib.IMAP4_SSL("127.0.0.1", self.server.port("imaps"), ssl_context=ctx)
        c.login(USER, PASSWORD)
        typ, data = c.status("INBOX", "(MESSAGES)")
        self.assertIn(b"MESSAGES 12", data[0])
        c.logout()


if __name__ == "__main__":
    unittest.main()
