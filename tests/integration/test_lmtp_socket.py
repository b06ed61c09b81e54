"""LMTP (RFC 2033) on a unix-domain socket against the real binary: per-recipient replies over the socket,
the socket file's mode, a stale file replaced at start, a live one refused, the file removed at stop,
and Postfix's smtp-source -L as a client. Delivered mail is read back over POP3."""
import os
import shutil
import smtplib
import socket
import ssl
import subprocess
import unittest

from harness import LineReading, Postamt

DOMAIN = "example.test"
ALICE, ALICE_PW = "alice@example.test", "alice-password-1"
BOB, BOB_PW = "bob@example.test", "bob-password-22"


def add_socket_listener(server, path, mode=None):
    with open(server.config, "a") as f:
        f.write(f'\n[[listener]]\nprotocol = "lmtp"\npath = "{path}"\n')
        if mode:
            f.write(f'mode = "{mode}"\n')


class Lmtp(LineReading):
    """An LMTP client on the unix socket: exact replies, one per recipient after DATA."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(20)
        self.sock.connect(path)
        self.buf = b""
        self.greeting = self.reply()

    def reply(self):
        lines = []
        while True:
            line = self.line()
            lines.append(line.decode(errors="replace"))
            if line[3:4] != b"-":
                return int(line[:3]), lines

    def send(self, data):
        self.sock.sendall(data.encode() if isinstance(data, str) else data)

    def cmd(self, command):
        self.send(command + "\r\n")
        return self.reply()

    def close(self):
        self.sock.close()


class TestLmtpSocket(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Postamt(domain=DOMAIN)
        cls.path = os.path.join(cls.server.tmp, "run", "lmtp.sock")  # run/ does not exist yet: created
        os.makedirs(os.path.dirname(cls.path))
        # A stale socket file, as a crashed server leaves it: bound, never unlinked.
        stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        stale.bind(cls.path)
        stale.close()
        add_socket_listener(cls.server, cls.path, "0600")
        cls.server.add_user(ALICE, ALICE_PW)
        cls.server.add_user(BOB, BOB_PW)
        cls.server.start()
        cls.ctx = ssl.create_default_context(cafile=os.path.join(cls.server.data, "tls", "ca.crt"))

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def messages(self, user, password):
        return self.server.pop3_messages(user, password, self.ctx)

    def find(self, user, password, needle):
        return [m for m in self.messages(user, password) if needle.encode() in m]

    def test_socket_file_mode_and_listening_line(self):
        st = os.stat(self.path)
        self.assertEqual(st.st_mode & 0o777, 0o600)
        self.assertIn("stale_socket_removed", self.server.server_log())

    def test_one_reply_per_recipient_over_the_socket(self):
        c = Lmtp(self.path)
        self.assertIn("LMTP", c.greeting[1][0])
        self.assertEqual(c.cmd("LHLO mta.example")[0], 250)
        c.send("MAIL FROM:<sender@remote.example>\r\nRCPT TO:<bob@example.test>\r\nRCPT TO:<ghost@example.test>\r\n"
               "RCPT TO:<alice@example.test>\r\nDATA\r\n")
        self.assertEqual([c.reply()[0] for _ in range(5)], [250, 250, 550, 250, 354])
        c.send("From: <sender@remote.example>\r\nSubject: over the unix socket\r\n\r\nHello.\r\n.\r\n")
        first, second = c.reply(), c.reply()
        self.assertEqual((first[0], second[0]), (250, 250))
        self.assertIn("<bob@example.test>", first[1][0])
        self.assertIn("<alice@example.test>", second[1][0])
        self.assertEqual(c.cmd("QUIT")[0], 221)
        c.close()
        found = self.find(BOB, BOB_PW, "over the unix socket")
        self.assertEqual(len(found), 1)
        self.assertIn(b"with LMTP id", found[0])
        self.assertEqual(len(self.find(ALICE, ALICE_PW, "over the unix socket")), 1)
        self.assertRegex(self.server.server_log(), r"connect.*remote=unix.*local=unix:")

    def test_smtplib_lmtp_client(self):
        lmtp = smtplib.LMTP(self.path, timeout=20)
        try:
            refused = lmtp.sendmail("sender@remote.example", [BOB],
                                    "Subject: smtplib over the socket\r\n\r\nBody.\r\n")
            self.assertEqual(refused, {})
        finally:
            lmtp.quit()
        self.assertEqual(len(self.find(BOB, BOB_PW, "smtplib over the socket")), 1)

    def test_never_relays(self):
        c = Lmtp(self.path)
        c.cmd("LHLO mta.example")
        c.cmd("MAIL FROM:<a@remote.example>")
        self.assertEqual(c.cmd("RCPT TO:<someone@other.test>")[1][0][:9], "554 5.7.1")
        c.close()

    @unittest.skipUnless(shutil.which("smtp-source"), "Postfix's smtp-source is not installed")
    def test_smtp_source_lmtp(self):
        p = subprocess.run(["smtp-source", "-L", "-s", "3", "-m", "9", "-l", "2048", "-f", "load@remote.example",
                            "-t", ALICE, "-S", "smtp-source over lmtp", f"unix:{self.path}"],
                           capture_output=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr.decode(errors="replace"))
        self.assertEqual(len(self.find(ALICE, ALICE_PW, "smtp-source over lmtp")), 9)

    def test_a_second_server_on_a_live_socket_is_refused(self):
        other = Postamt(domain=DOMAIN)
        try:
            add_socket_listener(other, self.path)
            p = other.run("serve", "-c", other.config, timeout=30)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("another server is listening there", p.stderr_text)
            self.assertTrue(os.path.exists(self.path))  # the live server's socket is left alone
        finally:
            other.cleanup()


class TestLmtpSocketRemovedAtStop(unittest.TestCase):
    def test_socket_file_removed_and_config_errors(self):
        server = Postamt(domain=DOMAIN)
        try:
            path = os.path.join(server.tmp, "lmtp.sock")
            add_socket_listener(server, path)
            server.start()
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o660)  # the default mode
            server.stop()
            self.assertFalse(os.path.exists(path))
            # path is only for lmtp, and never together with a port.
            for bad, why in ((f'protocol = "smtp"\npath = "{path}"', "only for protocol"),
                             (f'protocol = "lmtp"\npath = "{path}"\nport = 2424', "has no 'port'"),
                             (f'protocol = "lmtp"\npath = "{path}"\nmode = "0999"', "octal permissions")):
                with open(server.config) as f:
                    good = f.read()
                with open(server.config, "a") as f:
                    f.write(f"\n[[listener]]\n{bad}\n")
                p = server.cli("check-config")
                self.assertNotEqual(p.returncode, 0)
                self.assertIn(why, p.stderr_text + p.stdout_text)
                with open(server.config, "w") as f:
                    f.write(good)
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
