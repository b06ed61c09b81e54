"""ManageSieve (RFC 5804) on the managesieve port against the real binary: a raw-socket client for exact
bytes (greeting, STARTTLS, AUTHENTICATE PLAIN with SASL-IR, literals, response codes, quotas, malformed
input) and Debian's sieve-connect; the script uploaded and activated over ManageSieve is the one that
files mail at delivery (checked over IMAP)."""
import base64
import imaplib
import os
import random
import re
import shutil
import socket
import ssl
import subprocess
import time
import unittest

from harness import Postamt

USER, PASSWORD = "demo@example.test", "demo-password-1"
OTHER, OTHER_PASSWORD = "other@example.test", "other-password-1"
MAX_SCRIPTS = 4
MAX_SCRIPT_SIZE = 64 * 1024

GOOD = 'require ["fileinto"];\r\nif header :contains "subject" "[sieve]" { fileinto "INBOX.Filtered"; }\r\n'
BAD = '# first line\r\nkeep;\r\nfrobnicate "x";\r\n'


def plain_ir(user, password):
    return base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()


class Client:
    """A ManageSieve client on a raw socket: responses as (data items, status line)."""

    def __init__(self, port, timeout=20):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""
        self.greeting, self.greeting_status = self.response()

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError(self.buf)
        self.buf += data

    def line(self):
        """One logical line: a trailing "{n}" literal is read and joined into it."""
        out = b""
        while True:
            while b"\r\n" not in self.buf:
                self._fill()
            part, self.buf = self.buf.split(b"\r\n", 1)
            out += part
            m = re.search(rb"\{(\d+)\}$", part)
            if not m:
                return out
            n = int(m.group(1))
            while len(self.buf) < n:
                self._fill()
            out += b"\r\n" + self.buf[:n]
            self.buf = self.buf[n:]

    def response(self):
        items = []
        while True:
            line = self.line()
            if re.match(rb"(?i)(OK|NO|BYE)\b", line):
                return items, line
            items.append(line)

    def send(self, data):
        self.sock.sendall(data if isinstance(data, bytes) else data.encode())

    def cmd(self, data):
        self.send(data if data.endswith("\r\n") else data + "\r\n")
        return self.response()

    def starttls(self, ctx):
        _, status = self.cmd("STARTTLS")
        assert status.startswith(b"OK"), status
        self.sock = ctx.wrap_socket(self.sock, server_hostname="localhost")
        return self.response()  # RFC 5804 §2.2: capabilities again, then OK

    def login(self, ctx, user=USER, password=PASSWORD):
        self.starttls(ctx)
        _, status = self.cmd(f'AUTHENTICATE "PLAIN" "{plain_ir(user, password)}"')
        assert status.startswith(b"OK"), status

    def closed(self, wait=10):
        """True when the server closed the connection (reads EOF) within `wait` seconds."""
        self.sock.settimeout(wait)
        try:
            while True:
                if not self.sock.recv(65536):
                    return True
        except (ConnectionResetError, ssl.SSLError):
            return True
        except socket.timeout:
            return False

    def close(self):
        self.sock.close()


def literal(script):
    data = script.encode()
    return f"{{{len(data)}+}}\r\n".encode() + data


def caps(items):
    out = {}
    for item in items:
        m = re.match(rb'"([^"]+)"(?: "(.*)")?$', item)
        assert m, item
        out[m.group(1).decode().upper()] = m.group(2).decode() if m.group(2) is not None else None
    return out


class ManageSieveTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Postamt()
        cls.server.add_user(USER, PASSWORD)
        cls.server.add_user(OTHER, OTHER_PASSWORD)
        with open(cls.server.config) as f:
            text = f.read()
        text = re.sub(r"(?m)^max_scripts = \d+$", f"max_scripts = {MAX_SCRIPTS}", text)
        with open(cls.server.config, "w") as f:
            f.write(text)
        cls.server.start()
        cls.port = cls.server.port("managesieve")
        cls.ca = os.path.join(cls.server.data, "tls", "ca.crt")
        cls.ctx = ssl.create_default_context(cafile=cls.ca)

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def setUp(self):
        self.clients = []

    def tearDown(self):
        for c in self.clients:
            c.close()
        # Every test leaves the user without scripts.
        for user in (USER, OTHER):
            self.server.cli("sieve", "deactivate", "--user", user)
            listing = self.server.cli("sieve", "list", "--user", user).stdout_text
            for line in listing.splitlines():
                self.server.cli("sieve", "delete", "--user", user, line.split()[0])

    def client(self):
        c = Client(self.port)
        self.clients.append(c)
        return c

    def session(self, user=USER, password=PASSWORD):
        c = self.client()
        c.login(self.ctx, user, password)
        return c

    def assert_status(self, response, prefix):
        self.assertTrue(response[1].startswith(prefix.encode()), response)

    def test_greeting_and_starttls(self):
        c = self.client()
        self.assertTrue(c.greeting_status.startswith(b"OK"), c.greeting_status)
        before = caps(c.greeting)
        self.assertEqual(before["IMPLEMENTATION"], "postamt")
        self.assertEqual(before["VERSION"], "1.0")
        self.assertEqual(before["SASL"], "")  # no mechanism before TLS
        self.assertIn("STARTTLS", before)
        self.assertNotIn("OWNER", before)
        self.assertNotIn("NOTIFY", before)
        self.assertTrue({"fileinto", "envelope", "imap4flags", "variables"} <= set(before["SIEVE"].split()))
        self.assertRegex(before["MAXREDIRECTS"], r"^\d+$")
        items, status = c.starttls(self.ctx)
        self.assertTrue(status.startswith(b"OK"), status)
        after = caps(items)
        self.assertNotIn("STARTTLS", after)  # §2.2: not after TLS
        self.assertIn("PLAIN", after["SASL"].split())
        self.assertIn("SCRAM-SHA-256", after["SASL"].split())
        self.assertEqual(after["SIEVE"], before["SIEVE"])
        _, status = c.cmd(f'AUTHENTICATE "PLAIN" "{plain_ir(USER, PASSWORD)}"')
        self.assertTrue(status.startswith(b"OK"), status)
        items, status = c.cmd("CAPABILITY")
        self.assertEqual(caps(items)["OWNER"], USER)
        self.assert_status(c.cmd("LOGOUT"), "OK")
        self.assertTrue(c.closed())

    def test_authenticate_before_tls_is_refused(self):
        logins = self.server.server_log().count("event=login ")
        c = self.client()
        items, status = c.cmd(f'AUTHENTICATE "PLAIN" "{plain_ir(USER, PASSWORD)}"')
        self.assertEqual(items, [])
        self.assertTrue(status.startswith(b"NO (ENCRYPT-NEEDED)"), status)
        self.assertIn(b"STARTTLS", status)
        # Still not authenticated, whatever the mechanism, and the connection goes on.
        self.assertTrue(c.cmd('AUTHENTICATE "SCRAM-SHA-256"')[1].startswith(b"NO (ENCRYPT-NEEDED)"))
        self.assertTrue(c.cmd("LISTSCRIPTS")[1].startswith(b"NO"))
        self.assertEqual(c.cmd('NOOP "still-here"')[1], b'OK (TAG "still-here") "Done"')
        self.assertEqual(self.server.server_log().count("event=login "), logins)

    def test_starttls_discards_pipelined_plaintext(self):
        c = self.client()
        # CVE-2011-0411: commands sent with STARTTLS before the handshake must not run under TLS.
        c.send("STARTTLS\r\nCAPABILITY\r\n")
        _, status = c.response()
        self.assertTrue(status.startswith(b"OK"), status)
        c.sock = self.ctx.wrap_socket(c.sock, server_hostname="localhost")
        items, status = c.response()
        self.assertIn(b"TLS", status)
        _, status = c.cmd('NOOP "sync"')
        self.assertEqual(status, b'OK (TAG "sync") "Done"')  # no second capability list came before it

    def test_script_lifecycle(self):
        c = self.session()
        self.assertEqual(c.cmd("LISTSCRIPTS"), ([], b'OK "Listscripts completed"'))
        # PUTSCRIPT with a non-synchronizing literal.
        c.send(b'PUTSCRIPT "main" ' + literal(GOOD) + b"\r\n")
        self.assert_status(c.response(), "OK")
        # A bad script is refused with the line of the error and not stored.
        c.send(b'PUTSCRIPT "bad" ' + literal(BAD) + b"\r\n")
        _, status = c.response()
        self.assertTrue(status.startswith(b"NO"), status)
        self.assertIn(b"line 3", status)
        self.assertIn(b"frobnicate", status)
        c.send(b"CHECKSCRIPT " + literal(BAD) + b"\r\n")
        self.assertIn(b"line 3", c.response()[1])
        c.send(b"CHECKSCRIPT " + literal(GOOD) + b"\r\n")
        self.assert_status(c.response(), "OK")
        self.assert_status(c.cmd('PUTSCRIPT "spare" "keep;"'), "OK")
        self.assertEqual(c.cmd("LISTSCRIPTS")[0], [b'"main"', b'"spare"'])
        self.assert_status(c.cmd('SETACTIVE "main"'), "OK")
        self.assertEqual(c.cmd("LISTSCRIPTS")[0], [b'"main" ACTIVE', b'"spare"'])
        self.assertTrue(c.cmd('SETACTIVE "nope"')[1].startswith(b"NO (NONEXISTENT)"))
        # GETSCRIPT returns the bytes exactly.
        items, status = c.cmd('GETSCRIPT "main"')
        self.assertTrue(status.startswith(b"OK"), status)
        self.assertEqual(items, [f"{{{len(GOOD.encode())}}}\r\n".encode() + GOOD.encode()])
        self.assertTrue(c.cmd('GETSCRIPT "nope"')[1].startswith(b"NO (NONEXISTENT)"))
        # The active script cannot be deleted; renaming keeps it active.
        self.assertTrue(c.cmd('DELETESCRIPT "main"')[1].startswith(b"NO (ACTIVE)"))
        self.assertTrue(c.cmd('RENAMESCRIPT "main" "spare"')[1].startswith(b"NO (ALREADYEXISTS)"))
        self.assertTrue(c.cmd('RENAMESCRIPT "nope" "x"')[1].startswith(b"NO (NONEXISTENT)"))
        self.assert_status(c.cmd('RENAMESCRIPT "main" "filters"'), "OK")
        self.assertEqual(c.cmd("LISTSCRIPTS")[0], [b'"filters" ACTIVE', b'"spare"'])
        self.assert_status(c.cmd('SETACTIVE ""'), "OK")
        self.assertEqual(c.cmd("LISTSCRIPTS")[0], [b'"filters"', b'"spare"'])
        self.assert_status(c.cmd('DELETESCRIPT "filters"'), "OK")
        self.assertTrue(c.cmd('DELETESCRIPT "filters"')[1].startswith(b"NO (NONEXISTENT)"))
        # The CLI sees the same storage.
        self.assertEqual(self.server.cli("sieve", "list", "--user", USER).stdout_text, "spare size=5\n")
        # Scripts belong to one user.
        o = self.session(OTHER, OTHER_PASSWORD)
        self.assertEqual(o.cmd("LISTSCRIPTS")[0], [])
        # UNAUTHENTICATE returns to the non-authenticated state.
        self.assert_status(c.cmd("UNAUTHENTICATE"), "OK")
        self.assertTrue(c.cmd("LISTSCRIPTS")[1].startswith(b"NO"))
        self.assertNotIn("OWNER", caps(c.cmd("CAPABILITY")[0]))

    def test_quotas(self):
        c = self.session()
        self.assertTrue(c.cmd(f'HAVESPACE "big" {MAX_SCRIPT_SIZE + 1}')[1].startswith(b"NO (QUOTA/MAXSIZE)"))
        self.assert_status(c.cmd(f'HAVESPACE "big" {MAX_SCRIPT_SIZE}'), "OK")
        self.assertTrue(c.cmd('HAVESPACE "big" "12"')[1].startswith(b"NO"))
        for i in range(MAX_SCRIPTS):
            self.assert_status(c.cmd(f'PUTSCRIPT "s{i}" "keep;"'), "OK")
        self.assertTrue(c.cmd('HAVESPACE "one-more" 10')[1].startswith(b"NO (QUOTA/MAXSCRIPTS)"))
        self.assertTrue(c.cmd('PUTSCRIPT "one-more" "keep;"')[1].startswith(b"NO (QUOTA/MAXSCRIPTS)"))
        self.assert_status(c.cmd('HAVESPACE "s0" 10'), "OK")  # replacing does not add one
        self.assert_status(c.cmd('PUTSCRIPT "s0" "discard;"'), "OK")
        # A script over the size limit: the literal is read and refused, the connection goes on.
        big = "#" + "x" * MAX_SCRIPT_SIZE + "\r\nkeep;\r\n"
        c.send(b'PUTSCRIPT "s1" ' + literal(big) + b"\r\n")
        self.assertTrue(c.response()[1].startswith(b"NO (QUOTA/MAXSIZE)"))
        # A synchronizing literal over the limit is refused before the client sends it.
        _, status = c.cmd(f'PUTSCRIPT "s1" {{{MAX_SCRIPT_SIZE + 1}}}')
        self.assertTrue(status.startswith(b"NO (QUOTA/MAXSIZE)"), status)
        self.assertEqual(c.cmd('NOOP "after"')[1], b'OK (TAG "after") "Done"')
        items, _ = c.cmd('GETSCRIPT "s1"')
        self.assertTrue(items[0].endswith(b"keep;"))

    def test_synchronizing_literal_gets_a_continuation(self):
        c = self.session()
        c.send('PUTSCRIPT "sync" {5}\r\n')
        self.assertEqual(c.line(), b'+ "Ready for literal data"')
        c.send("keep;\r\n")
        self.assert_status(c.response(), "OK")
        self.assertEqual(c.cmd('GETSCRIPT "sync"')[0], [b"{5}\r\nkeep;"])

    def test_huge_literal_closes_the_connection(self):
        c = self.session()
        c.send('PUTSCRIPT "x" {100000000+}\r\n')
        _, status = c.response()
        self.assertTrue(status.startswith(b"BYE"), status)
        self.assertTrue(c.closed())

    def test_malformed_commands(self):
        c = self.client()
        for line in ['PUTSCRIPT "x" "keep;"', "FROBNICATE", '"quoted"', "NOOP (x)", 'NOOP "unterminated',
                     "NOOP 1 2", 'HAVESPACE "x" 007', 'NOOP "\\n"', "{3+}", "STARTTLS extra"]:
            items, status = c.cmd(line)
            self.assertTrue(status.startswith(b"NO"), (line, status))
        self.assertTrue(c.cmd("NOOP " + "x" * 10000)[1].startswith(b"NO"))  # line too long
        self.assertEqual(c.cmd("NOOP")[1], b'OK "NOOP completed"')
        # Authenticated: wrong argument shapes.
        s = self.session()
        for line in ["PUTSCRIPT", 'PUTSCRIPT "a"', "PUTSCRIPT a b", 'GETSCRIPT "a" "b"', "SETACTIVE",
                     "RENAMESCRIPT \"a\"", 'PUTSCRIPT "" "keep;"', 'PUTSCRIPT "x" ""', 'AUTHENTICATE "PLAIN"',
                     "STARTTLS", 'PUTSCRIPT "bad\\\\name\x01" "keep;"']:
            items, status = s.cmd(line)
            self.assertTrue(status.startswith(b"NO"), (line, status))
        self.assertEqual(s.cmd("LISTSCRIPTS")[0], [])
        # Too many bad commands end the connection with BYE.
        b = self.client()
        b.send("".join("BOGUS\r\n" for _ in range(25)))
        statuses = [b.response()[1] for _ in range(21)]  # 20 NO, then BYE
        self.assertEqual(statuses[19], b'NO "Unknown command BOGUS"')
        self.assertEqual(statuses[20], b'BYE "Too many errors, closing connection"')
        self.assertTrue(b.closed())

    def test_random_garbage_never_hangs(self):
        rng = random.Random(5804)
        for _ in range(15):
            c = self.client()
            junk = bytes(rng.choice(b'AZ az09 "\\{}+()\r\n\x00\xff') for _ in range(rng.randrange(1, 300)))
            c.send(junk + b'\r\nNOOP "end"\r\n')
            # The NOOP is answered or the server closes; the only wait allowed is for the octets of
            # a literal the junk announced ("{99+}"), which the server must then read and answer.
            c.sock.settimeout(5)
            got = b""
            try:
                while b'(TAG "end")' not in got:
                    data = c.sock.recv(65536)
                    if not data:
                        break
                    got += data
            except socket.timeout:
                self.assertRegex(junk, rb"\{\d+\+?\}\r?\n", got)
                c.send(b"x" * 200000 + b'\r\nNOOP "end"\r\n')
                c.sock.settimeout(10)
                try:
                    self.assertTrue(c.sock.recv(65536), junk)
                except ConnectionResetError:
                    pass
        self.assertTrue(self.server.proc.poll() is None, "server crashed")
        self.assert_status(self.session().cmd("LISTSCRIPTS"), "OK")

    def test_failed_authentication_is_throttled_and_ends_in_bye(self):
        c = self.client()
        c.starttls(self.ctx)
        start = time.monotonic()
        self.assertEqual(c.cmd(f'AUTHENTICATE "PLAIN" "{plain_ir(USER, "wrong")}"')[1], b'NO "Authentication failed."')
        self.assertEqual(c.cmd(f'AUTHENTICATE "PLAIN" "{plain_ir(USER, "wrong")}"')[1], b'NO "Authentication failed."')
        _, status = c.cmd(f'AUTHENTICATE "PLAIN" "{plain_ir(USER, "wrong")}"')
        self.assertTrue(status.startswith(b"BYE"), status)
        self.assertGreater(time.monotonic() - start, 1.0)  # 0.5 s + 1 s + 2 s of throttle delays
        self.assertTrue(c.closed())
        # Cancelling an exchange ("*") is a NO, not a login.
        d = self.client()
        d.starttls(self.ctx)
        d.send('AUTHENTICATE "PLAIN"\r\n')
        self.assertEqual(d.line(), b'""')  # the empty initial challenge
        self.assertEqual(d.cmd('"*"')[1], b'NO "Authentication cancelled"')
        # The right password after that works (the throttle delays, it does not lock out).
        d.send('AUTHENTICATE "PLAIN"\r\n')
        d.line()
        d.send(b"{%d+}\r\n%s\r\n" % (len(plain_ir(USER, PASSWORD)), plain_ir(USER, PASSWORD).encode()))
        self.assert_status(d.response(), "OK")


SIEVE_CONNECT = shutil.which("sieve-connect")


@unittest.skipUnless(SIEVE_CONNECT, "sieve-connect (Debian package sieve-connect) not installed")
class SieveConnectTest(unittest.TestCase):
    """sieve-connect uploads and activates a script; delivery then files mail with it (seen over IMAP)."""

    def setUp(self):
        self.server = Postamt()
        self.server.add_user(USER, PASSWORD)
        self.server.start()
        self.ca = os.path.join(self.server.data, "tls", "ca.crt")
        self.script = os.path.join(self.server.tmp, "filters.sieve")
        with open(self.script, "w") as f:
            f.write(GOOD)

    def tearDown(self):
        self.server.cleanup()

    def sieve_connect(self, *args):
        r, w = os.pipe()
        os.write(w, PASSWORD.encode() + b"\n")
        os.close(w)
        try:
            return subprocess.run(
                [SIEVE_CONNECT, "--server", "localhost", "--port", str(self.server.port("managesieve")),
                 "--user", USER, "--passwordfd", str(r), "--tlscafile", self.ca, "--authmech", "PLAIN", *args],
                capture_output=True, timeout=60, pass_fds=(r,), stdin=subprocess.DEVNULL)
        finally:
            os.close(r)

    def test_upload_activate_and_deliver(self):
        up = self.sieve_connect("--upload", "--localsieve", self.script, "--remotesieve", "filters")
        self.assertEqual(up.returncode, 0, up.stdout + up.stderr)
        act = self.sieve_connect("--activate", "--remotesieve", "filters")
        self.assertEqual(act.returncode, 0, act.stdout + act.stderr)
        listing = self.sieve_connect("--list")
        self.assertEqual(listing.returncode, 0, listing.stdout + listing.stderr)
        self.assertRegex(listing.stdout.decode(), r'(?m)^"filters" ACTIVE$')
        down = os.path.join(self.server.tmp, "down.sieve")
        got = self.sieve_connect("--download", "--remotesieve", "filters", "--localsieve", down)
        self.assertEqual(got.returncode, 0, got.stdout + got.stderr)
        with open(down, "rb") as f:
            self.assertEqual(f.read(), GOOD.encode())
        # A bad script is refused by the server; sieve-connect reports it and exits non-zero.
        bad = os.path.join(self.server.tmp, "bad.sieve")
        with open(bad, "w") as f:
            f.write(BAD)
        refused = self.sieve_connect("--upload", "--localsieve", bad, "--remotesieve", "bad")
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn(b"line 3", refused.stdout + refused.stderr)

        ctx = ssl.create_default_context(cafile=self.ca)
        imap = imaplib.IMAP4_SSL("127.0.0.1", self.server.port("imaps"), ssl_context=ctx)
        imap.login(USER, PASSWORD)
        self.assertEqual(imap.create("Filtered")[0], "OK")
        for subject in ("[sieve] filed by the uploaded script", "plain mail"):
            msg = f"From: a@example.org\r\nTo: {USER}\r\nSubject: {subject}\r\n\r\nHi.\r\n"
            p = self.server.deliver(USER, msg, sender="a@example.org")
            self.assertEqual(p.returncode, 0, p.stderr_text)
        typ, data = imap.select("Filtered", readonly=True)
        self.assertEqual((typ, data[0]), ("OK", b"1"))
        typ, data = imap.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        self.assertIn(b"[sieve] filed by the uploaded script", data[0][1])
        typ, data = imap.select("INBOX", readonly=True)
        self.assertEqual((typ, data[0]), ("OK", b"1"))
        imap.logout()


if __name__ == "__main__":
    unittest.main()
