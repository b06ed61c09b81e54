"""Integration test harness: a real `postamt` binary with a temporary data directory on loopback
ports. Every integration test uses this; no part of postamt is mocked."""
import os
import poplib
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

BIN = os.environ.get("POSTAMT_BIN", os.path.join(os.path.dirname(__file__), "../../build-test/postamt"))
STANDARD_PORTS = {"smtp": 25, "lmtp": 24, "submission": 587, "submissions": 465, "pop3": 110, "pop3s": 995,
                  "imap": 143, "imaps": 993, "managesieve": 4190}


def _ports_free(offset):
    for p in STANDARD_PORTS.values():
        s = socket.socket()
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", offset + p))
        except OSError:
            return False
        finally:
            s.close()
    return True


def free_offset():
    for _ in range(200):
        offset = random.randrange(20000, 60000, 7)
        if _ports_free(offset):
            return offset
    raise RuntimeError("no free port range")


class Postamt:
    """One data directory and, once started, one `postamt serve` process."""

    def __init__(self, domain="example.test", hostname="localhost"):
        self.tmp = tempfile.mkdtemp(prefix="postamt-it-")
        self.data = os.path.join(self.tmp, "data")
        self.offset = free_offset()
        self.domain = domain
        out = self.run("init", self.data, "--hostname", hostname, "--domain", domain,
                       "--port-offset", str(self.offset))
        if out.returncode != 0:
            raise RuntimeError(f"init failed: {out.stderr}")
        self.config = os.path.join(self.data, "postamt.toml")
        self.proc = None
        self.log_path = os.path.join(self.tmp, "serve.log")

    def port(self, name):
        return self.offset + STANDARD_PORTS[name]

    def run(self, *args, input=None, check=False, timeout=60):
        p = subprocess.run([BIN, *args], input=input if isinstance(input, (bytes, type(None)))
                           else input.encode(), capture_output=True, timeout=timeout)
        p.stdout_text = p.stdout.decode(errors="replace")
        p.stderr_text = p.stderr.decode(errors="replace")
        if check and p.returncode != 0:
            raise AssertionError(f"postamt {' '.join(args)} exited {p.returncode}: {p.stderr_text}")
        return p

    def cli(self, *args, **kw):
        """`postamt ARGS -c CONFIG`: a subcommand against this data directory."""
        cmd, rest = args[0], list(args[1:])
        if cmd in ("domain", "user", "alias", "sieve", "queue", "mailbox") and rest:
            return self.run(cmd, rest[0], "-c", self.config, *rest[1:], **kw)
        return self.run(cmd, "-c", self.config, *rest, **kw)

    def add_user(self, address, password):
        self.cli("user", "add", address, "--password-stdin", input=password + "\n", check=True)

    def deliver(self, to, message, sender=None, mailbox=None):
        args = ["--to", to]
        if sender:
            args += ["--from", sender]
        if mailbox:
            args += ["--mailbox", mailbox]
        return self.cli("deliver", *args, input=message)

    def start(self, wait_for=()):
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([BIN, "serve", "-c", self.config], stdout=subprocess.PIPE,
                                     stderr=self.log)
        self.listening = []
        deadline = time.time() + 30
        want = set(wait_for)
        while time.time() < deadline:
            line = self.proc.stdout.readline().decode()
            if not line:
                raise RuntimeError(f"serve exited early: {self.server_log()}")
            m = re.match(r"listening (\S+) (\S+):(\d+) tls=(\S+)", line)
            if m:
                self.listening.append((m.group(1), int(m.group(3)), m.group(4)))
            if line.startswith("ready") or (want and want <= {p for _, p, _ in self.listening}):
                break
        return self

    def pop3_messages(self, user, password, ctx, host="127.0.0.1"):
        """Every message in the user's INBOX, read over POP3 with STLS (ctx trusts the test CA)."""
        pop = poplib.POP3(host, self.port("pop3"), timeout=20)
        try:
            pop.stls(ctx)
            pop.user(user)
            pop.pass_(password)
            count, _ = pop.stat()
            return [b"\r\n".join(pop.retr(i + 1)[1]) for i in range(count)]
        finally:
            pop.quit()

    def server_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.proc.stdout.close()
            self.log.close()
        self.proc = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


class LineReading:
    """Mixin for raw protocol clients: `self.sock` read into `self.buf` as CRLF lines (without the
    CRLF) and exact byte counts (IMAP literals)."""

    def line(self, timeout=None):
        if timeout is not None:
            self.sock.settimeout(timeout)
        while b"\r\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError(self.buf)
            self.buf += data
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def exactly(self, n):
        while len(self.buf) < n:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError(self.buf)
            self.buf += data
        data, self.buf = self.buf[:n], self.buf[n:]
        return data


class PostamtTestCase(unittest.TestCase):
    """A fresh data directory per test class; `self.server` is the Postamt instance."""
    users = {"demo@example.test": "demo-password-1"}

    @classmethod
    def setUpClass(cls):
        cls.server = Postamt()
        for address, password in cls.users.items():
            cls.server.add_user(address, password)

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()
