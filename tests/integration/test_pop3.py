"""POP3 server (RFC 1939, CAPA RFC 2449, STLS RFC 2595, AUTH RFC 5034) against the real binary: poplib
over STLS and POP3S, raw sockets for exact bytes, curl, openssl s_client and fetchmail as clients."""
import base64
import hashlib
import hmac
import imaplib
import os
import poplib
import re
import shutil
import socket
import ssl
import subprocess
import time
import unittest

from harness import LineReading, Postamt

REFUSAL = b"-ERR [AUTH] Cleartext authentication disallowed on non-secure (SSL/TLS) connections."


def message(subject, body):
    return f"From: Alice <alice@example.org>\r\nTo: x@example.test\r\nSubject: {subject}\r\n\r\n{body}"


class Raw(LineReading):
    """A POP3 client on a raw socket: exact bytes, pipelining, and an abrupt close."""

    def __init__(self, port, tls_ctx=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        if tls_ctx:
            self.sock = tls_ctx.wrap_socket(self.sock, server_hostname="localhost")
        self.buf = b""
        self.greeting = self.line()

    def send(self, *commands):
        self.sock.sendall(b"".join(c.encode() + b"\r\n" for c in commands))

    def cmd(self, command):
        self.send(command)
        return self.line()

    def body(self):
        """The raw (still byte-stuffed) lines of a multi-line response up to the "." terminator."""
        lines = []
        while True:
            line = self.line()
            if line == b".":
                return lines
            lines.append(line)

    def stls(self, ctx):
        self.assert_ok(self.cmd("STLS"))
        self.sock = ctx.wrap_socket(self.sock, server_hostname="localhost")

    def login(self, user, password):
        self.assert_ok(self.cmd("USER " + user))
        reply = self.cmd("PASS " + password)
        self.assert_ok(reply)
        return reply

    @staticmethod
    def assert_ok(reply):
        if not reply.startswith(b"+OK"):
            raise AssertionError(reply)

    def quit(self):
        reply = self.cmd("QUIT")
        self.sock.close()
        return reply

    def abort(self):
        """Drop the connection without QUIT (RST)."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        self.sock.close()

    def close(self):
        self.sock.close()


class Pop3Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Postamt()
        cls.server.start()
        cls.ca = os.path.join(cls.server.data, "tls", "ca.crt")
        cls.ctx = ssl.create_default_context(cafile=cls.ca)
        cls.n = 0

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        log = cls.server.server_log()
        cls.server.cleanup()
        # Only reports from while the server ran: a known race at exit (net::Server stops and destroys
        # its io_context while an offload() worker may still hold work on it) is reported separately.
        running = log[:log.rfind("event=stopped")] if "event=stopped" in log else log
        m = re.search(r"==\d+==ERROR|runtime error:", running)
        if m:
            raise AssertionError("sanitizer report in the server log:\n" + running[max(0, m.start() - 2000):m.start() + 20000])

    def new_user(self, *messages):
        type(self).n += 1
        address = f"pop{type(self).n}@example.test"
        password = f"secret-{type(self).n}-pw"
        self.server.add_user(address, password)
        for m in messages:
            p = self.server.deliver(address, m)
            self.assertEqual(p.returncode, 0, p.stderr_text)
        return address, password

    def inbox_count(self, address):
        out = self.server.cli("mailbox", "list", address, check=True).stdout_text
        m = re.search(r"^INBOX messages=(\d+)", out, re.M)
        self.assertTrue(m, out)
        return int(m.group(1))

    def tls_session(self, address, password):
        raw = Raw(self.server.port("pop3"))
        raw.stls(self.ctx)
        raw.login(address, password)
        return raw


class Pop3ProtocolTest(Pop3Base):
    def test_capa_before_and_after_stls(self):
        raw = Raw(self.server.port("pop3"))
        self.assertTrue(raw.greeting.startswith(b"+OK"))
        self.assert_capa(raw, secure=False)
        raw.stls(self.ctx)
        self.assert_capa(raw, secure=True)
        raw.quit()

    def assert_capa(self, raw, secure):
        self.assertTrue(raw.cmd("CAPA").startswith(b"+OK"))
        caps = raw.body()
        sasl = [c for c in caps if c.startswith(b"SASL")]
        self.assertEqual(len(sasl), 1, caps)
        for c in (b"TOP", b"UIDL", b"RESP-CODES", b"AUTH-RESP-CODE", b"PIPELINING"):
            self.assertIn(c, caps)
        self.assertIn(b"SCRAM-SHA-256", sasl[0])
        if secure:
            self.assertIn(b"USER", caps)
            self.assertIn(b"PLAIN", sasl[0].split())
            self.assertNotIn(b"STLS", caps)
        else:
            self.assertNotIn(b"USER", caps)
            self.assertNotIn(b"PLAIN", sasl[0].split())
            self.assertNotIn(b"LOGIN", sasl[0].split())
            self.assertIn(b"STLS", caps)

    def test_cleartext_refusal_exact_text(self):
        address, password = self.new_user()
        raw = Raw(self.server.port("pop3"))
        self.assertEqual(raw.cmd("USER " + address), REFUSAL)
        self.assertEqual(raw.cmd("PASS " + password), REFUSAL)
        self.assertEqual(raw.cmd("AUTH PLAIN " + base64.b64encode(f"\0{address}\0{password}".encode()).decode()),
                         REFUSAL)
        self.assertEqual(raw.cmd("AUTH PLAIN"), REFUSAL)
        self.assertEqual(raw.cmd("AUTH LOGIN"), REFUSAL)
        self.assertTrue(raw.quit().startswith(b"+OK"))

    def test_poplib_stls_retr_and_list_sizes(self):
        bodies = ["first\r\n", "second line\r\nmore\r\n", ("x" * 900 + "\r\n") * 60]
        address, password = self.new_user(*(message(f"m{i}", b) for i, b in enumerate(bodies)))
        p = poplib.POP3("127.0.0.1", self.server.port("pop3"), timeout=20)
        p.stls(self.ctx)
        p.user(address)
        p.pass_(password)
        count, octets = p.stat()
        self.assertEqual(count, 3)
        _, listing, _ = p.list()
        sizes = {int(a): int(b) for a, b in (l.split() for l in listing)}
        self.assertEqual(sum(sizes.values()), octets)
        for n in range(1, 4):
            _, lines, got = p.retr(n)
            # RFC 1939: the LIST size is the size of the message; poplib's count is of the
            # un-stuffed lines plus CRLF each, i.e. exactly the stored bytes.
            self.assertEqual(got, sizes[n])
            self.assertEqual(sum(len(l) + 2 for l in lines), sizes[n])
            self.assertIn(bodies[n - 1].split("\r\n")[0].encode(), lines)
        p.quit()
        self.assertEqual(self.inbox_count(address), 3)

    def test_pop3_ssl_implicit_tls(self):
        address, password = self.new_user(message("ssl", "over implicit TLS\r\n"))
        p = poplib.POP3_SSL("127.0.0.1", self.server.port("pop3s"), context=self.ctx, timeout=20)
        self.assertIn("USER", p.capa())
        p.user(address)
        p.pass_(password)
        self.assertEqual(p.stat()[0], 1)
        self.assertIn(b"over implicit TLS", p.retr(1)[1])
        p.quit()

    def test_byte_stuffing_and_exact_retr_bytes(self):
        body = ".leading dot\r\n..two dots\r\n.\r\nnormal\r\n"
        address, password = self.new_user(message("dots", body))
        raw = self.tls_session(address, password)
        size = int(raw.cmd("LIST 1").split()[2])
        reply = raw.cmd("RETR 1")
        self.assertEqual(reply, b"+OK %d octets" % size)
        lines = raw.body()
        self.assertIn(b"..leading dot", lines)
        self.assertIn(b"...two dots", lines)
        self.assertIn(b"..", lines)
        unstuffed = b"".join((l[1:] if l.startswith(b".") else l) + b"\r\n" for l in lines)
        self.assertEqual(len(unstuffed), size)
        self.assertTrue(unstuffed.endswith(body.encode()))
        raw.quit()

    def test_large_message_exact_bytes(self):
        # Several output chunks; lines starting with "." everywhere, including across chunk boundaries.
        body = "".join(("." if i % 3 == 0 else "") + f"line {i:06d} " + "z" * 60 + "\r\n" for i in range(6000))
        address, password = self.new_user(message("big", body))
        raw = self.tls_session(address, password)
        size = int(raw.cmd("LIST 1").split()[2])
        self.assertTrue(raw.cmd("RETR 1").startswith(b"+OK %d octets" % size))
        lines = raw.body()
        unstuffed = b"".join((l[1:] if l.startswith(b".") else l) + b"\r\n" for l in lines)
        self.assertEqual(len(unstuffed), size)
        self.assertTrue(unstuffed.endswith(body.encode()))
        self.assertTrue(raw.cmd("NOOP").startswith(b"+OK"))
        raw.quit()

    def test_top(self):
        address, password = self.new_user(message("top", "line1\r\nline2\r\n.line3\r\nline4\r\n"))
        raw = self.tls_session(address, password)
        self.assertTrue(raw.cmd("TOP 1 2").startswith(b"+OK"))
        lines = raw.body()
        self.assertIn(b"Subject: top", lines)
        blank = lines.index(b"")
        self.assertEqual(lines[blank + 1:], [b"line1", b"line2"])
        self.assertTrue(raw.cmd("TOP 1 0").startswith(b"+OK"))
        self.assertEqual(raw.body()[-1], b"")
        self.assertTrue(raw.cmd("TOP 1 3").startswith(b"+OK"))
        self.assertEqual(raw.body()[-1], b"..line3")
        self.assertTrue(raw.cmd("TOP 9 1").startswith(b"-ERR"))
        self.assertTrue(raw.cmd("TOP 1").startswith(b"-ERR"))
        raw.quit()

    def test_dele_quit_removes_and_rset_restores(self):
        address, password = self.new_user(*(message(f"d{i}", f"body {i}\r\n") for i in range(3)))
        raw = self.tls_session(address, password)
        self.assertTrue(raw.cmd("DELE 1").startswith(b"+OK"))
        self.assertTrue(raw.cmd("DELE 1").startswith(b"-ERR"))
        self.assertTrue(raw.cmd("RETR 1").startswith(b"-ERR"))
        self.assertTrue(raw.cmd("LIST 1").startswith(b"-ERR"))
        self.assertTrue(raw.cmd("STAT").startswith(b"+OK 2 "))
        self.assertTrue(raw.cmd("RSET").startswith(b"+OK"))
        self.assertTrue(raw.cmd("STAT").startswith(b"+OK 3 "))
        self.assertTrue(raw.cmd("DELE 2").startswith(b"+OK"))
        self.assertTrue(raw.cmd("DELE 3").startswith(b"+OK"))
        self.assertEqual(self.inbox_count(address), 3)  # nothing removed before QUIT
        self.assertTrue(raw.quit().startswith(b"+OK"))
        self.assertEqual(self.inbox_count(address), 1)
        raw = self.tls_session(address, password)
        self.assertTrue(raw.cmd("STAT").startswith(b"+OK 1 "))
        raw.quit()

    def test_interrupted_connection_deletes_nothing(self):
        address, password = self.new_user(message("a", "a\r\n"), message("b", "b\r\n"))
        raw = self.tls_session(address, password)
        self.assertTrue(raw.cmd("DELE 1").startswith(b"+OK"))
        self.assertTrue(raw.cmd("DELE 2").startswith(b"+OK"))
        raw.abort()
        # The maildrop lock goes with the connection: a new session gets in and sees both messages.
        deadline = time.time() + 10
        while True:
            raw = Raw(self.server.port("pop3"))
            raw.stls(self.ctx)
            raw.cmd("USER " + address)
            reply = raw.cmd("PASS " + password)
            if reply.startswith(b"+OK") or time.time() > deadline:
                break
            raw.close()
            time.sleep(0.2)
        self.assertTrue(reply.startswith(b"+OK"), reply)
        self.assertTrue(raw.cmd("STAT").startswith(b"+OK 2 "))
        raw.quit()
        self.assertEqual(self.inbox_count(address), 2)

    def test_maildrop_in_use(self):
        address, password = self.new_user(message("lock", "x\r\n"))
        first = self.tls_session(address, password)
        second = Raw(self.server.port("pop3"))
        second.stls(self.ctx)
        second.cmd("USER " + address)
        reply = second.cmd("PASS " + password)
        self.assertTrue(reply.startswith(b"-ERR [IN-USE]"), reply)
        self.assertTrue(first.quit().startswith(b"+OK"))
        self.assertTrue(second.login(address, password).startswith(b"+OK"))
        second.quit()

    def test_uidl_unique_and_stable_across_restart(self):
        address, password = self.new_user(*(message(f"u{i}", "same body\r\n") for i in range(3)))
        raw = self.tls_session(address, password)
        self.assertTrue(raw.cmd("UIDL").startswith(b"+OK"))
        before = [l.split() for l in raw.body()]
        self.assertEqual([int(n) for n, _ in before], [1, 2, 3])
        uids = [u for _, u in before]
        self.assertEqual(len(set(uids)), 3)
        for u in uids:
            self.assertTrue(1 <= len(u) <= 70 and all(0x21 <= c <= 0x7E for c in u), u)
        self.assertEqual(raw.cmd("UIDL 2").split()[1:], [b"2", uids[1]])
        raw.cmd("DELE 1")
        raw.quit()
        self.server.stop()
        self.server.start()
        raw = self.tls_session(address, password)
        raw.cmd("UIDL")
        after = [l.split()[1] for l in raw.body()]
        self.assertEqual(after, uids[1:])
        raw.quit()

    def test_pipelining(self):
        address, password = self.new_user(message("p1", "one\r\n"), message("p2", "two\r\n"))
        raw = Raw(self.server.port("pop3"))
        raw.stls(self.ctx)
        raw.send("USER " + address, "PASS " + password, "STAT", "RETR 1", "RETR 2", "NOOP", "QUIT")
        self.assertTrue(raw.line().startswith(b"+OK"))
        self.assertTrue(raw.line().startswith(b"+OK Logged in"))
        self.assertTrue(raw.line().startswith(b"+OK 2 "))
        self.assertTrue(raw.line().startswith(b"+OK"))
        self.assertIn(b"one", raw.body())
        self.assertTrue(raw.line().startswith(b"+OK"))
        self.assertIn(b"two", raw.body())
        self.assertEqual(raw.line(), b"+OK")
        self.assertTrue(raw.line().startswith(b"+OK"))
        raw.close()

    def test_commands_checked_against_state_and_syntax(self):
        address, password = self.new_user(message("s", "s\r\n"))
        raw = Raw(self.server.port("pop3"))
        self.assertTrue(raw.cmd("STAT").startswith(b"-ERR"))
        self.assertTrue(raw.cmd("RETR 1").startswith(b"-ERR"))
        self.assertTrue(raw.cmd("XYZZY").startswith(b"-ERR"))
        raw.stls(self.ctx)
        self.assertTrue(raw.cmd("PASS " + password).startswith(b"-ERR"))  # PASS needs USER first
        raw.login(address, password)
        self.assertTrue(raw.cmd("USER " + address).startswith(b"-ERR"))
        self.assertTrue(raw.cmd("STLS").startswith(b"-ERR"))
        self.assertTrue(raw.cmd("RETR 0").startswith(b"-ERR"))
        self.assertTrue(raw.cmd("RETR 2").startswith(b"-ERR"))
        self.assertTrue(raw.cmd("RETR -1").startswith(b"-ERR"))
        self.assertTrue(raw.cmd("LIST 99999999999").startswith(b"-ERR"))
        self.assertTrue(raw.cmd("NOOP " + "x" * 300).startswith(b"-ERR"))
        self.assertTrue(raw.cmd("STAT").startswith(b"+OK 1 "))
        raw.quit()

    def test_auth_plain_with_and_without_initial_response(self):
        address, password = self.new_user(message("auth", "a\r\n"))
        token = base64.b64encode(f"\0{address}\0{password}".encode()).decode()
        raw = Raw(self.server.port("pop3"))
        raw.stls(self.ctx)
        self.assertTrue(raw.cmd("AUTH PLAIN " + token).startswith(b"+OK"))
        raw.quit()
        raw = Raw(self.server.port("pop3"))
        raw.stls(self.ctx)
        self.assertEqual(raw.cmd("AUTH PLAIN"), b"+ ")
        self.assertTrue(raw.cmd(token).startswith(b"+OK"))
        raw.quit()
        raw = Raw(self.server.port("pop3"))
        raw.stls(self.ctx)
        self.assertEqual(raw.cmd("AUTH PLAIN"), b"+ ")
        self.assertTrue(raw.cmd("*").startswith(b"-ERR"))  # RFC 5034 §4: "*" cancels
        self.assertTrue(raw.cmd("AUTH PLAIN !!!!").startswith(b"-ERR"))
        self.assertTrue(raw.cmd("AUTH LOGIN").startswith(b"+ "))
        self.assertTrue(raw.cmd(base64.b64encode(address.encode()).decode()).startswith(b"+ "))
        self.assertTrue(raw.cmd(base64.b64encode(password.encode()).decode()).startswith(b"+OK"))
        raw.quit()

    def test_auth_scram_sha256_before_tls(self):
        address, password = self.new_user(message("scram", "s\r\n"))
        raw = Raw(self.server.port("pop3"))
        nonce = base64.b64encode(os.urandom(18)).decode()
        first_bare = f"n={address},r={nonce}"
        reply = raw.cmd("AUTH SCRAM-SHA-256 " + base64.b64encode(("n,," + first_bare).encode()).decode())
        self.assertTrue(reply.startswith(b"+ "), reply)
        server_first = base64.b64decode(reply[2:]).decode()
        attrs = dict(kv.split("=", 1) for kv in server_first.split(","))
        salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(attrs["s"]), int(attrs["i"]))
        client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
        stored_key = hashlib.sha256(client_key).digest()
        final_bare = f"c=biws,r={attrs['r']}"
        auth_message = f"{first_bare},{server_first},{final_bare}".encode()
        signature = hmac.new(stored_key, auth_message, hashlib.sha256).digest()
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        final = f"{final_bare},p={base64.b64encode(proof).decode()}"
        reply = raw.cmd(base64.b64encode(final.encode()).decode())
        # RFC 5034 §4: the server-final-message comes as one more challenge, answered empty.
        self.assertTrue(reply.startswith(b"+ "), reply)
        server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
        expected = base64.b64encode(hmac.new(server_key, auth_message, hashlib.sha256).digest()).decode()
        self.assertEqual(base64.b64decode(reply[2:]).decode(), "v=" + expected)
        self.assertTrue(raw.cmd("").startswith(b"+OK"))
        self.assertTrue(raw.cmd("STAT").startswith(b"+OK 1 "))
        raw.quit()

    def test_curl_pop3s_and_stls(self):
        body = ".curl sees this\r\n"
        address, password = self.new_user(message("curl", body))
        base = ["curl", "-sS", "--cacert", self.ca, "-u", f"{address}:{password}", "--max-time", "20",
                "--resolve", f"localhost:{self.server.port('pop3s')}:127.0.0.1",
                "--resolve", f"localhost:{self.server.port('pop3')}:127.0.0.1"]
        out = subprocess.run(base + [f"pop3s://localhost:{self.server.port('pop3s')}/1"], capture_output=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(b"Subject: curl", out.stdout)
        self.assertIn(b".curl sees this", out.stdout)  # curl undoes the stuffing
        out = subprocess.run(base + ["--ssl-reqd", f"pop3://localhost:{self.server.port('pop3')}/"],
                             capture_output=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertRegex(out.stdout.decode(), r"^1 \d+")

    def test_openssl_s_client_starttls(self):
        out = subprocess.run(["openssl", "s_client", "-starttls", "pop3", "-connect",
                              f"127.0.0.1:{self.server.port('pop3')}", "-CAfile", self.ca,
                              "-verify_return_error", "-servername", "localhost", "-quiet", "-crlf"],
                             input=b"CAPA\nQUIT\n", capture_output=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        text = out.stdout.decode()
        self.assertIn("\r\nUSER\r\n", text)
        self.assertIn("PLAIN", text)
        self.assertIn("+OK postamt POP3 server signing off", text)


class Pop3FailedAuthTest(Pop3Base):
    def test_failed_login_is_delayed_and_says_auth(self):
        address, password = self.new_user()
        raw = Raw(self.server.port("pop3"))
        raw.stls(self.ctx)
        raw.cmd("USER " + address)
        start = time.time()
        reply = raw.cmd("PASS wrong-" + password)
        self.assertEqual(reply, b"-ERR [AUTH] Authentication failed.")
        self.assertGreaterEqual(time.time() - start, 0.4)
        raw.cmd("USER nobody@example.test")
        self.assertEqual(raw.cmd("PASS whatever"), b"-ERR [AUTH] Authentication failed.")
        self.assertTrue(raw.login(address, password).startswith(b"+OK"))
        raw.quit()
        self.assertIn("event=auth_failed", self.server.server_log())
        self.assertNotIn("wrong-" + password, self.server.server_log())


class Pop3ApopTest(Pop3Base):
    def test_apop_only_with_secret(self):
        address, _ = self.new_user(message("apop", "a\r\n"))
        raw = Raw(self.server.port("pop3"))
        self.assertNotIn(b"<", raw.greeting)  # no APOP secret anywhere: no timestamp
        self.assertTrue(raw.cmd("APOP " + address + " " + "0" * 32).startswith(b"-ERR"))
        raw.close()
        p = self.server.cli("user", "apop-secret", address, "--password-stdin", input="apop-secret-1\n")
        self.assertEqual(p.returncode, 0, p.stderr_text)
        p = poplib.POP3("127.0.0.1", self.server.port("pop3"), timeout=20)
        self.assertRegex(p.getwelcome().decode(), r"<\d+\.[0-9a-f]+\.\d+@[^>]+>$")
        with self.assertRaises(poplib.error_proto):
            p.apop(address, "not-the-secret")
        p.apop(address, "apop-secret-1")
        self.assertEqual(p.stat()[0], 1)
        p.quit()
        p = self.server.cli("user", "apop-secret", address, "--clear")
        self.assertEqual(p.returncode, 0, p.stderr_text)
        raw = Raw(self.server.port("pop3"))
        self.assertNotIn(b"<", raw.greeting)
        raw.close()
        p = self.server.cli("user", "apop-secret", "nobody@example.test", "--clear")
        self.assertEqual(p.returncode, 67)


class Pop3ImapTest(Pop3Base):
    """The maildrop is the INBOX IMAP serves: POP3's QUIT expunges reach open IMAP sessions."""

    def test_imap_sees_pop3_deletions(self):
        address, password = self.new_user(*(message(f"i{i}", f"imap {i}\r\n") for i in range(3)))
        imap = imaplib.IMAP4("127.0.0.1", self.server.port("imap"), timeout=20)
        imap.starttls(self.ctx)
        imap.login(address, password)
        typ, data = imap.select("INBOX")
        self.assertEqual((typ, data[0]), ("OK", b"3"))
        raw = self.tls_session(address, password)  # the IMAP session does not lock POP3 out
        self.assertTrue(raw.cmd("DELE 1").startswith(b"+OK"))
        self.assertTrue(raw.cmd("DELE 3").startswith(b"+OK"))
        imap.noop()
        self.assertIsNone(imap.response("EXPUNGE")[1][0])  # nothing happens before QUIT
        self.assertTrue(raw.quit().startswith(b"+OK"))
        deadline = time.time() + 5
        expunged = []
        while len(expunged) < 2 and time.time() < deadline:
            imap.noop()
            expunged += [x for x in imap.response("EXPUNGE")[1] if x is not None]
        self.assertEqual(len(expunged), 2, expunged)
        typ, data = imap.fetch("1:*", "(BODY.PEEK[TEXT])")
        self.assertEqual(typ, "OK")
        self.assertIn(b"imap 1", b"".join(x[1] for x in data if isinstance(x, tuple)))
        imap.logout()


@unittest.skipUnless(shutil.which("fetchmail"), "fetchmail not installed")
class Pop3FetchmailTest(Pop3Base):
    def fetch(self, address, password, server_options, user_options):
        home = os.path.join(self.server.tmp, f"fetchmail-{self.n}")
        os.makedirs(home, exist_ok=True)
        out_file = os.path.join(home, "mbox")
        rc = os.path.join(home, "fetchmailrc")
        with open(rc, "w") as f:
            f.write(f'poll localhost via 127.0.0.1 {server_options}\n'
                    f'  user "{address}" there with password "{password}" is "local" here\n'
                    f'  {user_options} sslcertck sslcertfile "{self.ca}" sslcommonname localhost fetchall nokeep\n'
                    f'  mda "cat >> {out_file}"\n')
        os.chmod(rc, 0o600)
        env = dict(os.environ, HOME=home, FETCHMAILHOME=home)
        p = subprocess.run(["fetchmail", "-f", rc, "-N", "--nosyslog", "-v"], capture_output=True, env=env,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        with open(out_file, "rb") as f:
            return f.read()

    def test_fetchmail_pop3s_fetches_and_deletes(self):
        address, password = self.new_user(message("fm1", "fetch one\r\n"), message("fm2", ".fetch two\r\n"))
        mbox = self.fetch(address, password, f"port {self.server.port('pop3s')} protocol pop3", "ssl")
        self.assertIn(b"fetch one", mbox)
        self.assertIn(b".fetch two", mbox)
        self.assertEqual(self.inbox_count(address), 0)

    def test_fetchmail_stls_fetches_and_deletes(self):
        address, password = self.new_user(message("fm3", "fetch three\r\n"))
        mbox = self.fetch(address, password,
                          f"port {self.server.port('pop3')} protocol pop3", "sslproto 'tls1.2+'")
        self.assertIn(b"fetch three", mbox)
        self.assertEqual(self.inbox_count(address), 0)


if __name__ == "__main__":
    unittest.main()
