"""SMTP server (RFC 5321 MX on 25, RFC 6409 submission on 587 / RFC 8314 465, RFC 2033 LMTP) against
the real binary: smtplib, raw sockets for exact bytes, swaks, curl and openssl s_client as clients.
Delivered mail is read back over POP3."""
import os
import poplib
import re
import shutil
import smtplib
import socket
import ssl
import subprocess
import time
import unittest

from harness import LineReading, Postamt

DOMAIN = "example.test"
ALICE, ALICE_PW = "alice@example.test", "alice-password-1"
BOB, BOB_PW = "bob@example.test", "bob-password-22"


def message(subject, sender=ALICE, to=BOB, body="Hello.\r\n"):
    return (f"From: <{sender}>\r\nTo: <{to}>\r\nSubject: {subject}\r\n"
            f"Message-ID: <{subject.replace(' ', '-')}@example.test>\r\n\r\n{body}")


class Raw(LineReading):
    """An SMTP client on a raw socket: exact bytes, pipelining, STARTTLS by hand."""

    def __init__(self, port, tls_ctx=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        if tls_ctx:
            self.sock = tls_ctx.wrap_socket(self.sock, server_hostname="localhost")
        self.buf = b""
        self.greeting = self.reply()

    def reply(self):
        """One (possibly multi-line) reply as (code, [lines])."""
        lines = []
        while True:
            line = self.line()
            lines.append(line.decode(errors="replace"))
            if len(line) < 4 or line[3:4] != b"-":
                return int(line[:3]), lines

    def send(self, data):
        self.sock.sendall(data if isinstance(data, bytes) else data.encode())

    def cmd(self, command):
        self.send(command + "\r\n")
        return self.reply()

    def starttls(self, ctx):
        code, _ = self.cmd("STARTTLS")
        assert code == 220, code
        self.sock = ctx.wrap_socket(self.sock, server_hostname="localhost")

    def pending(self, wait=0.5):
        """Whatever the server sends within `wait` seconds (b"" if nothing)."""
        self.sock.settimeout(wait)
        try:
            data = self.sock.recv(65536)
        except (socket.timeout, ssl.SSLError):
            data = b""
        finally:
            self.sock.settimeout(20)
        return self.buf + data

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class SmtpTest(unittest.TestCase):
    max_size = None
    relay_networks = None
    pop_before_smtp_seconds = None

    @classmethod
    def setUpClass(cls):
        cls.server = Postamt(domain=DOMAIN)
        if cls.pop_before_smtp_seconds is not None:
            with open(cls.server.config) as f:
                text = f.read()
            text = text.replace("pop_before_smtp_seconds = 0", f"pop_before_smtp_seconds = {cls.pop_before_smtp_seconds}")
            with open(cls.server.config, "w") as f:
                f.write(text)
        if cls.max_size:
            with open(cls.server.config) as f:
                text = f.read()
            text = re.sub(r'max_message_size = "[^"]*"', f'max_message_size = "{cls.max_size}"', text)
            with open(cls.server.config, "w") as f:
                f.write(text)
        if cls.relay_networks:
            with open(cls.server.config) as f:
                text = f.read()
            text = text.replace("relay_networks = []", "relay_networks = " + repr(cls.relay_networks).replace("'", '"'))
            with open(cls.server.config, "w") as f:
                f.write(text)
        cls.server.add_user(ALICE, ALICE_PW)
        cls.server.add_user(BOB, BOB_PW)
        cls.server.cli("alias", "add", "sales@example.test", ALICE, check=True)
        cls.server.cli("alias", "add", "team@example.test", ALICE, BOB, check=True)
        cls.server.start()
        cls.ca = os.path.join(cls.server.data, "tls", "ca.crt")
        cls.ctx = ssl.create_default_context(cafile=cls.ca)

    @classmethod
    def tearDownClass(cls):
        if cls.server.proc and cls.server.proc.poll() is not None:
            print("server exited:", cls.server.server_log()[-4000:])
        cls.server.cleanup()

    # --- helpers ---
    def messages(self, user, password):
        """Every message in the user's INBOX, over POP3 with STLS."""
        return self.server.pop3_messages(user, password, self.ctx)

    def find(self, user, password, needle):
        return [m for m in self.messages(user, password) if needle.encode() in m]

    def submission(self):
        s = smtplib.SMTP("127.0.0.1", self.server.port("submission"), timeout=20)
        s.starttls(context=self.ctx)
        s.login(ALICE, ALICE_PW)
        return s

    def mx(self):
        r = Raw(self.server.port("smtp"))
        code, _ = r.cmd("EHLO client.example")
        self.assertEqual(code, 250)
        return r


class TestSmtp(SmtpTest):
    def test_ehlo_extensions_and_no_auth_before_tls(self):
        r = Raw(self.server.port("submission"))
        self.assertEqual(r.greeting[0], 220)
        code, lines = r.cmd("EHLO client.example")
        self.assertEqual(code, 250)
        keywords = [l[4:] for l in lines[1:]]
        for k in ("PIPELINING", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", "CHUNKING", "DSN", "STARTTLS"):
            self.assertIn(k, keywords)
        self.assertIn(f"SIZE {50 * 1024 * 1024}", keywords)
        self.assertFalse([k for k in keywords if k.startswith("AUTH")], keywords)
        r.starttls(self.ctx)
        code, lines = r.cmd("EHLO client.example")
        keywords = [l[4:] for l in lines[1:]]
        self.assertNotIn("STARTTLS", keywords)
        self.assertIn("AUTH SCRAM-SHA-256 PLAIN LOGIN", keywords)
        r.close()

    def test_auth_before_starttls_refused_with_clear_text(self):
        r = Raw(self.server.port("submission"))
        r.cmd("EHLO client.example")
        code, lines = r.cmd("AUTH PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABhbGljZS1wYXNzd29yZC0x")
        self.assertEqual(lines, ["538 5.7.11 Encryption required for requested authentication mechanism"])
        code, lines = r.cmd("MAIL FROM:<alice@example.test>")
        self.assertEqual(lines, ["530 5.7.0 Must issue a STARTTLS command first"])
        r.close()

    def test_submission_needs_auth(self):
        r = Raw(self.server.port("submission"))
        r.cmd("EHLO client.example")
        r.starttls(self.ctx)
        r.cmd("EHLO client.example")
        code, lines = r.cmd("MAIL FROM:<alice@example.test>")
        self.assertEqual(lines, ["530 5.7.0 Authentication required"])
        r.close()

    def test_smtplib_submission_delivers_with_received_header(self):
        s = self.submission()
        refused = s.sendmail(ALICE, [BOB], message("submitted one"))
        s.quit()
        self.assertEqual(refused, {})
        found = self.find(BOB, BOB_PW, "submitted one")
        self.assertEqual(len(found), 1)
        m = found[0].decode()
        self.assertTrue(m.startswith("Return-Path: <alice@example.test>\r\nReceived: from "), m[:200])
        self.assertIn("with ESMTPSA id", m)
        self.assertRegex(m, r"\(using TLSv1\.[23] with cipher [A-Z0-9_-]+\)")
        self.assertIn("(authenticated as alice@example.test)", m)
        self.assertIn("for <bob@example.test>;", m)

    def test_one_message_many_local_recipients(self):
        s = self.submission()
        s.sendmail(ALICE, [BOB, "BOB@Example.Test", "team@example.test", "bob+tag@example.test"],
                   message("many rcpts"))
        s.quit()
        self.assertEqual(len(self.find(BOB, BOB_PW, "many rcpts")), 1)
        self.assertEqual(len(self.find(ALICE, ALICE_PW, "many rcpts")), 1)

    def test_forged_envelope_sender_refused(self):
        s = self.submission()
        with self.assertRaises(smtplib.SMTPSenderRefused) as e:
            s.sendmail(BOB, [BOB], message("forged env", sender=BOB))
        self.assertEqual(e.exception.smtp_code, 553)
        self.assertIn(b"5.7.1", e.exception.smtp_error)
        s.quit()

    def test_forged_from_header_refused(self):
        s = self.submission()
        with self.assertRaises(smtplib.SMTPDataError) as e:
            s.sendmail(ALICE, [BOB], message("forged header", sender="bob@example.test"))
        self.assertEqual(e.exception.smtp_code, 553)
        self.assertIn(b"5.7.1", e.exception.smtp_error)
        s.quit()
        self.assertEqual(self.find(BOB, BOB_PW, "forged header"), [])

    def test_alias_sender_is_owned(self):
        s = self.submission()
        self.assertEqual(s.sendmail("sales@example.test", [BOB], message("via alias", sender="sales@example.test")), {})
        s.quit()
        self.assertEqual(len(self.find(BOB, BOB_PW, "via alias")), 1)

    def test_authenticated_user_relay_is_queued(self):
        # Remote recipients go into the durable outbound queue (docs/queue.md): 250 once it is on disk.
        s = self.submission()
        self.assertEqual(s.sendmail(ALICE, ["someone@other.test"], message("relay out")), {})
        s.quit()
        self.assertRegex(self.server.server_log(), r"event=queued .*queue_id=[0-9a-f]{16}")

    def test_mx_local_delivery_relay_denied_unknown_user(self):
        r = self.mx()
        self.assertEqual(r.cmd("MAIL FROM:<sender@remote.example>")[0], 250)
        self.assertEqual(r.cmd("RCPT TO:<nobody@example.test>")[1][0][:9], "550 5.1.1")
        self.assertEqual(r.cmd("RCPT TO:<victim@other.test>")[1][0][:9], "554 5.7.1")
        self.assertIn("Relay access denied", r.cmd("RCPT TO:<victim2@other.test>")[1][0])
        self.assertEqual(r.cmd("RCPT TO:<bob@example.test>")[0], 250)
        self.assertEqual(r.cmd("DATA")[0], 354)
        r.send(message("from the mx", sender="sender@remote.example") + "\r\n.\r\n")
        code, lines = r.reply()
        self.assertEqual(code, 250, lines)
        r.cmd("QUIT")
        found = self.find(BOB, BOB_PW, "from the mx")
        self.assertEqual(len(found), 1)
        self.assertIn(b"with ESMTP id", found[0])
        self.assertIn(b"Return-Path: <sender@remote.example>", found[0])

    def test_mx_refuses_auth(self):
        r = self.mx()
        code, lines = r.cmd("AUTH PLAIN")
        self.assertEqual(code, 503)
        r.close()

    def test_relay_battery(self):
        attempts = [
            "<user%other.test@example.test>",
            "<bob%other.test@example.test>",
            "<@example.test:victim@other.test>",
            "<@a.example,@b.example:bob@example.test>",
            '<"victim@other.test"@example.test>',
            "<victim@[127.0.0.1]>",
            "<bob@[127.0.0.1]>",
            "<other.test!victim@example.test>",
            "<victim@other.test.>",
            "<victim@OTHER.Test>",
            "<Victim@Other.TEST>",
            "<victim@ëxample.test>",
            "<victim@exämple.test>",
            "<victim@other.test@example.test>",
            "<victim@example.test.other.test>",
            "<victim@[IPv6:::1]>",
        ]
        for a in attempts:
            # A fresh connection each: the refusals count towards the error limit.
            r = self.mx()
            self.assertEqual(r.cmd("MAIL FROM:<sender@remote.example> SMTPUTF8")[0], 250)
            code, lines = r.cmd("RCPT TO:" + a)
            self.assertGreaterEqual(code, 500, f"{a}: {lines}")
            # Nothing was added as a recipient: DATA has no valid recipients.
            self.assertEqual(r.cmd("DATA")[1][0][:9], "554 5.5.1", a)
            r.close()

    def test_unknown_user_550_511_via_smtplib(self):
        s = smtplib.SMTP("127.0.0.1", self.server.port("smtp"), timeout=20)
        with self.assertRaises(smtplib.SMTPRecipientsRefused) as e:
            s.sendmail("x@remote.example", ["ghost@example.test"], message("ghost"))
        code, text = e.exception.recipients["ghost@example.test"]
        self.assertEqual(code, 550)
        self.assertTrue(text.startswith(b"5.1.1"), text)
        s.quit()

    def test_pipelining(self):
        r = self.mx()
        r.send("MAIL FROM:<p@remote.example>\r\nRCPT TO:<bob@example.test>\r\nRCPT TO:<ghost@example.test>\r\n"
               "RCPT TO:<alice@example.test>\r\nDATA\r\n")
        replies = [r.reply()[0] for _ in range(5)]
        self.assertEqual(replies, [250, 250, 550, 250, 354])
        r.send(message("pipelined") + "\r\n.\r\nRSET\r\nNOOP\r\n")
        self.assertEqual([r.reply()[0] for _ in range(3)], [250, 250, 250])
        r.cmd("QUIT")
        self.assertEqual(len(self.find(BOB, BOB_PW, "pipelined")), 1)
        self.assertEqual(len(self.find(ALICE, ALICE_PW, "pipelined")), 1)

    def test_bdat_chunks(self):
        r = self.mx()
        body = message("bdat chunks").encode()
        first, second = body[:20], body[20:]
        r.send(b"MAIL FROM:<b@remote.example>\r\nRCPT TO:<bob@example.test>\r\n")
        self.assertEqual([r.reply()[0] for _ in range(2)], [250, 250])
        r.send(b"BDAT %d\r\n" % len(first) + first)
        self.assertEqual(r.reply()[0], 250)
        r.send(b"BDAT %d LAST\r\n" % len(second) + second)
        code, lines = r.reply()
        self.assertEqual(code, 250, lines)
        # DATA-looking bytes inside a chunk are data, never commands.
        tricky = message("bdat tricky", body="line\r\n.\r\nMAIL FROM:<evil@x>\r\n").encode()
        r.send(b"MAIL FROM:<b@remote.example>\r\nRCPT TO:<bob@example.test>\r\nBDAT %d LAST\r\n" % len(tricky) + tricky)
        self.assertEqual([r.reply()[0] for _ in range(3)], [250, 250, 250])
        # A chunk without a transaction is read (the RSET inside is data, not a command) and refused.
        r.send(b"BDAT 6 LAST\r\nRSET\r\n")
        self.assertEqual(r.reply()[0], 503)
        self.assertEqual(r.cmd("NOOP")[0], 250)
        r.cmd("QUIT")
        self.assertEqual(len(self.find(BOB, BOB_PW, "bdat chunks")), 1)
        got = self.find(BOB, BOB_PW, "bdat tricky")
        self.assertEqual(len(got), 1)
        self.assertIn(b"MAIL FROM:<evil@x>", got[0])

    def test_starttls_injection(self):
        r = Raw(self.server.port("smtp"))
        r.cmd("EHLO client.example")
        r.send("STARTTLS\r\nRSET\r\n")
        code, _ = r.reply()
        self.assertEqual(code, 220)
        r.sock = self.ctx.wrap_socket(r.sock, server_hostname="localhost")
        # The injected RSET must never be answered: the next reply is for our own command.
        code, lines = r.cmd("NOOP")
        self.assertEqual(code, 250)
        self.assertEqual(r.pending(0.5), b"")
        # EHLO state was forgotten: MAIL needs a new EHLO.
        self.assertEqual(r.cmd("MAIL FROM:<x@remote.example>")[0], 503)
        r.close()
        self.assertIn("starttls_pipelined_discarded", self.server.server_log())

    def test_smuggling_never_makes_a_second_message(self):
        variants = [b"\n.\r\n", b"\r\n.\n", b"\n.\n", b"\r.\r\n", b"\r\n.\r", b"\r.\r", b"\n.\r"]
        for i, end in enumerate(variants):
            r = self.mx()
            r.send(b"MAIL FROM:<s@remote.example>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n")
            self.assertEqual([r.reply()[0] for _ in range(3)], [250, 250, 354])
            smuggled = (message(f"outer {i}").encode() + end +
                        b"MAIL FROM:<evil@remote.example>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n" +
                        message(f"smuggled {i}", to=ALICE).encode() + b"\r\n.\r\n")
            r.send(smuggled)
            code, lines = r.reply()
            self.assertEqual(lines[0], "550 5.6.11 bare LF/CR not allowed; lines must end with CRLF", repr(end))
            self.assertEqual(r.cmd("NOOP")[0], 250)
            r.close()
        for i in range(len(variants)):
            self.assertEqual(self.find(ALICE, ALICE_PW, f"smuggled {i}"), [])
            self.assertEqual(self.find(BOB, BOB_PW, f"outer {i}"), [])

    def test_dot_stuffing(self):
        r = self.mx()
        r.send("MAIL FROM:<d@remote.example>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n")
        [r.reply() for _ in range(3)]
        r.send(message("dotted", body="..leading dot\r\n.\r\n"))
        self.assertEqual(r.reply()[0], 250)
        r.close()
        got = self.find(BOB, BOB_PW, "dotted")
        self.assertTrue(got[0].endswith(b"\r\n\r\n.leading dot"), got[0][-40:])

    def test_auth_failure_throttled(self):
        s = smtplib.SMTP("127.0.0.1", self.server.port("submission"), timeout=30)
        s.starttls(context=self.ctx)
        start = time.time()
        with self.assertRaises(smtplib.SMTPAuthenticationError) as e:
            s.login(ALICE, "wrong")
        self.assertEqual(e.exception.smtp_code, 535)
        self.assertGreaterEqual(time.time() - start, 0.4)
        s.close()

    def test_scram_sha256(self):
        # smtplib has no SCRAM; the mechanism is offered and starts with a server-first challenge.
        r = Raw(self.server.port("submissions"), self.ctx)
        r.cmd("EHLO client.example")
        import base64
        code, lines = r.cmd("AUTH SCRAM-SHA-256 " + base64.b64encode(b"n,,n=alice@example.test,r=abcdefgh").decode())
        self.assertEqual(code, 334)
        self.assertTrue(base64.b64decode(lines[0][4:]).startswith(b"r=abcdefgh"))
        self.assertEqual(r.cmd("*")[0], 501)
        r.close()

    def test_too_many_errors_disconnects(self):
        r = self.mx()
        for _ in range(9):
            self.assertEqual(r.cmd("BOGUS")[0], 500)
        code, lines = r.cmd("BOGUS")
        self.assertEqual(code, 500)
        self.assertEqual(r.reply()[0], 421)
        with self.assertRaises((EOFError, ConnectionError)):
            r.cmd("NOOP")

    def test_vrfy_help_noop_rset(self):
        r = self.mx()
        self.assertEqual(r.cmd("VRFY bob")[0], 252)
        self.assertEqual(r.cmd("HELP")[0], 214)
        self.assertEqual(r.cmd("NOOP")[0], 250)
        self.assertEqual(r.cmd("RSET")[0], 250)
        self.assertEqual(r.cmd("QUIT")[0], 221)

    def test_swaks_auth_plain_and_login_on_587_and_465(self):
        if not shutil.which("swaks"):
            self.skipTest("swaks not installed")
        runs = [("587", ["--tls"], "PLAIN"), ("587", ["--tls"], "LOGIN"),
                ("465", ["--tls-on-connect"], "PLAIN"), ("465", ["--tls-on-connect"], "LOGIN")]
        for port, tls, mech in runs:
            name = "submission" if port == "587" else "submissions"
            subject = f"swaks {port} {mech}"
            p = subprocess.run(["swaks", "--server", "127.0.0.1", "--port", str(self.server.port(name)), *tls,
                                "--tls-verify", "--tls-ca-path", self.ca, "--tls-sni", "localhost",
                                "--auth", mech, "--auth-user", ALICE, "--auth-password", ALICE_PW,
                                "--from", ALICE, "--to", BOB, "--header", f"Subject: {subject}",
                                "--header", f"From: <{ALICE}>"],
                               capture_output=True, timeout=60)
            out = p.stdout.decode(errors="replace")
            self.assertEqual(p.returncode, 0, out)
            self.assertIn("235 2.7.0", out)
            self.assertEqual(len(self.find(BOB, BOB_PW, subject)), 1, subject)

    def test_curl_smtp_ssl_reqd(self):
        if not shutil.which("curl"):
            self.skipTest("curl not installed")
        p = subprocess.run(["curl", "-sS", "--ssl-reqd", "--cacert", self.ca,
                            "--resolve", f"localhost:{self.server.port('submission')}:127.0.0.1",
                            f"smtp://localhost:{self.server.port('submission')}",
                            "--user", f"{ALICE}:{ALICE_PW}", "--mail-from", ALICE, "--mail-rcpt", BOB,
                            "--upload-file", "-"],
                           input=message("via curl").encode(), capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(self.find(BOB, BOB_PW, "via curl")), 1)

    def test_openssl_s_client_starttls(self):
        if not shutil.which("openssl"):
            self.skipTest("openssl not installed")
        script = ("EHLO client.example\r\nMAIL FROM:<o@remote.example>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n" +
                  message("via openssl") + "\r\n.\r\nQUIT\r\n")
        p = subprocess.run(["openssl", "s_client", "-quiet", "-starttls", "smtp", "-CAfile", self.ca,
                            "-verify_return_error", "-servername", "localhost",
                            "-connect", f"127.0.0.1:{self.server.port('smtp')}"],
                           input=script.encode(), capture_output=True, timeout=60)
        out = p.stdout.decode(errors="replace")
        self.assertIn("250 2.0.0 Message accepted", out)
        self.assertIn("221 2.0.0", out)
        self.assertEqual(len(self.find(BOB, BOB_PW, "via openssl")), 1)

    def test_lmtp_one_reply_per_recipient(self):
        r = Raw(self.server.port("lmtp"))
        self.assertIn("LMTP", r.greeting[1][0])
        self.assertEqual(r.cmd("EHLO x")[0], 500)
        self.assertEqual(r.cmd("LHLO postfix.example")[0], 250)
        r.send("MAIL FROM:<l@remote.example>\r\nRCPT TO:<bob@example.test>\r\nRCPT TO:<ghost@example.test>\r\n"
               "RCPT TO:<alice@example.test>\r\nRCPT TO:<far@other.test>\r\nDATA\r\n")
        self.assertEqual([r.reply()[0] for _ in range(6)], [250, 250, 550, 250, 554, 354])
        r.send(message("via lmtp") + "\r\n.\r\n")
        first, second = r.reply(), r.reply()
        self.assertEqual(first[0], 250)
        self.assertIn("<bob@example.test>", first[1][0])
        self.assertEqual(second[0], 250)
        self.assertIn("<alice@example.test>", second[1][0])
        self.assertEqual(r.pending(0.3), b"")
        r.cmd("QUIT")
        found = self.find(BOB, BOB_PW, "via lmtp")
        self.assertEqual(len(found), 1)
        self.assertIn(b"with LMTP id", found[0])

    def test_lmtp_bare_lf_refused_per_recipient(self):
        r = Raw(self.server.port("lmtp"))
        r.cmd("LHLO postfix.example")
        r.send("MAIL FROM:<l@remote.example>\r\nRCPT TO:<bob@example.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n")
        [r.reply() for _ in range(4)]
        r.send(message("lmtp bare").replace("\r\n\r\n", "\r\n\n") + "\r\n.\r\n")
        self.assertEqual([r.reply()[0] for _ in range(2)], [550, 550])
        r.close()


class TestSmtpLimits(SmtpTest):
    max_size = "8K"

    def test_oversize_552(self):
        r = self.mx()
        self.assertIn("SIZE 8192", "".join(r.cmd("EHLO again")[1]))
        self.assertEqual(r.cmd("MAIL FROM:<big@remote.example> SIZE=9000")[1][0][:9], "552 5.3.4")
        self.assertEqual(r.cmd("MAIL FROM:<big@remote.example> SIZE=100")[0], 250)
        self.assertEqual(r.cmd("RCPT TO:<bob@example.test>")[0], 250)
        self.assertEqual(r.cmd("DATA")[0], 354)
        r.send(message("too big", body="x" * 70 + "\r\n") * 200 + "\r\n.\r\n")
        self.assertEqual(r.reply()[1][0][:9], "552 5.3.4")
        # BDAT over the limit is read in full and refused.
        r.cmd("MAIL FROM:<big@remote.example>")
        r.cmd("RCPT TO:<bob@example.test>")
        data = b"y" * 9000
        r.send(b"BDAT %d LAST\r\n" % len(data) + data)
        self.assertEqual(r.reply()[1][0][:9], "552 5.3.4")
        self.assertEqual(r.cmd("NOOP")[0], 250)
        r.close()
        self.assertEqual(self.find(BOB, BOB_PW, "too big"), [])

    def test_too_many_recipients(self):
        r = self.mx()
        r.cmd("MAIL FROM:<many@remote.example>")
        r.send("".join("RCPT TO:<bob+%d@example.test>\r\n" % i for i in range(101)))
        codes = [r.reply()[0] for _ in range(101)]
        self.assertEqual(codes[:100], [250] * 100)
        self.assertEqual(codes[100], 452)
        r.close()


class TestRelayNetworks(SmtpTest):
    relay_networks = ["192.0.2.0/24", "127.0.0.0/8"]

    def test_relay_network_may_relay_but_not_with_hacks(self):
        r = self.mx()
        r.cmd("MAIL FROM:<app@example.test>")
        # Relay permission: the recipient is accepted for the outbound queue.
        self.assertEqual(r.cmd("RCPT TO:<someone@other.test>")[1][0][:9], "250 2.1.5")
        self.assertEqual(r.cmd("RCPT TO:<someone%other.test@example.test>")[1][0][:9], "554 5.7.1")
        self.assertEqual(r.cmd("RCPT TO:<@example.test:someone@other.test>")[1][0][:9], "554 5.7.1")
        self.assertEqual(r.cmd("RCPT TO:<bob@example.test>")[0], 250)
        r.close()

    def test_lmtp_never_relays(self):
        r = Raw(self.server.port("lmtp"))
        r.cmd("LHLO mta.example")
        r.cmd("MAIL FROM:<a@remote.example>")
        self.assertEqual(r.cmd("RCPT TO:<someone@other.test>")[1][0][:9], "554 5.7.1")
        r.close()



def pop3_login(test, user, password):
    """A POP3 login over STLS from 127.0.0.1; True when it succeeded."""
    pop = poplib.POP3("127.0.0.1", test.server.port("pop3"), timeout=20)
    try:
        pop.stls(test.ctx)
        pop.user(user)
        try:
            pop.pass_(password)
        except poplib.error_proto:
            return False
        return True
    finally:
        pop.quit()


def relay_reply(test):
    """The reply to RCPT for a remote recipient on the MX port from 127.0.0.1."""
    r = test.mx()
    try:
        r.cmd("MAIL FROM:<alice@example.test>")
        return r.cmd("RCPT TO:<someone@other.test>")[1][0][:9]
    finally:
        r.close()


class TestPopBeforeSmtpOffByDefault(SmtpTest):
    def test_login_does_not_open_relay(self):
        self.assertTrue(pop3_login(self, ALICE, ALICE_PW))
        self.assertEqual(relay_reply(self), "554 5.7.1")


class TestPopBeforeSmtp(SmtpTest):
    pop_before_smtp_seconds = 2

    def test_pop3_and_imap_logins_open_relay_for_the_window(self):
        # Before any login: no relay.
        self.assertEqual(relay_reply(self), "554 5.7.1")
        # A failed login grants nothing.
        self.assertFalse(pop3_login(self, ALICE, "wrong-password"))
        self.assertEqual(relay_reply(self), "554 5.7.1")
        # A POP3 login from 127.0.0.1: that address may relay, and the log says why.
        self.assertTrue(pop3_login(self, ALICE, ALICE_PW))
        self.assertEqual(relay_reply(self), "250 2.1.5")
        self.assertRegex(self.server.server_log(), r"relay_permitted.*someone@other\.test.*pop_before_smtp")
        # A connection opened before the login is judged at RCPT time, after the window closes it again.
        time.sleep(2.5)
        self.assertEqual(relay_reply(self), "554 5.7.1")
        # An IMAP LOGIN (after STARTTLS) grants the same.
        import imaplib
        imap = imaplib.IMAP4("127.0.0.1", self.server.port("imap"), timeout=20)
        imap.starttls(self.ctx)
        imap.login(BOB, BOB_PW)
        imap.logout()
        self.assertEqual(relay_reply(self), "250 2.1.5")
        # Still not on LMTP, which never relays.
        r = Raw(self.server.port("lmtp"))
        r.cmd("LHLO mta.example")
        r.cmd("MAIL FROM:<a@remote.example>")
        self.assertEqual(r.cmd("RCPT TO:<someone@other.test>")[1][0][:9], "554 5.7.1")
        r.close()


if __name__ == "__main__":
    unittest.main()
