"""`postamt probe` against a running postamt (ports passed explicitly because of the port offset) and,
when installed, against Debian's Dovecot and Postfix configured in temporary directories: the table,
the certificate block and the problems in plain words."""
import grp
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from harness import Postamt
from test_postfix_interop import POSTFIX, PostfixInstance, free_tcp_port

SERVICES = ("smtp", "submission", "submissions", "pop3", "pop3s", "imap", "imaps", "managesieve")


def row(output, port):
    """The table row of `port` as a list of columns."""
    m = re.search(rf"^{port}\s+(.*)$", output, re.M)
    assert m, output
    return [port] + re.split(r"\s{2,}|\s(?=\S)", m.group(1).strip())


def problems(output):
    return re.findall(r"^  - (.*)$", output, re.M)


class ProbePostamt(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Postamt().start()
        cls.ca = os.path.join(cls.server.data, "tls/ca.crt")
        listening = {port for _, port, _ in cls.server.listening}
        cls.services = [s for s in SERVICES if cls.server.port(s) in listening]

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def probe(self, *args, ports=None, host="127.0.0.1"):
        ports = ports or ",".join(f"{s}:{self.server.port(s)}" for s in self.services)
        return self.server.run("probe", host, "--ports", ports, "--timeout", "5", *args)

    def test_all_ports_with_our_ca(self):
        out = self.probe("--cafile", self.ca, "--servername", "localhost")
        text = out.stdout_text
        self.assertEqual(out.returncode, 0, text + out.stderr_text)
        expect = {"smtp": "STARTTLS", "submission": "STARTTLS", "submissions": "implicit", "pop3": "STARTTLS",
                  "pop3s": "implicit", "imap": "STARTTLS", "imaps": "implicit", "managesieve": "STARTTLS"}
        for s in self.services:
            line = re.search(rf"^{self.server.port(s)}\s+\S+\s+open\s+(\S+)\s+(TLSv1\.[23])\s+(\S+)\s+(\S+)$",
                             text, re.M)
            self.assertIsNotNone(line, f"{s}: {text}")
            self.assertEqual(line.group(1), expect[s], s)
            if expect[s] == "STARTTLS":
                self.assertEqual(line.group(4), "no", f"{s} must not offer a password before TLS")
        self.assertIn("chain:    valid", text)
        self.assertIn("hostname: localhost matches", text)
        self.assertRegex(text, r"SANs:\s+DNS:localhost.*IP:127\.0\.0\.1")
        self.assertIn("no problems found", text)
        # One certificate block for every port presenting the same certificate.
        self.assertEqual(text.count("\ncertificate on port"), 1, text)

    def test_ip_literal_matches_ip_san(self):
        out = self.probe("--cafile", self.ca, ports=f"imaps:{self.server.port('imaps')}")
        self.assertIn("hostname: 127.0.0.1 matches", out.stdout_text)
        self.assertEqual(out.returncode, 0, out.stdout_text)

    def test_untrusted_and_mismatched_certificate(self):
        out = self.probe("--servername", "mail.wrong.example", ports=f"imaps:{self.server.port('imaps')}")
        self.assertEqual(out.returncode, 1)
        p = problems(out.stdout_text)
        port = self.server.port("imaps")
        self.assertIn(f"certificate on port {port} does not match mail.wrong.example", p)
        self.assertTrue(any(x.startswith(f"certificate on port {port} is not trusted: ") for x in p), p)

    def test_wrong_tls_mode_is_reported(self):
        pop3, imaps = self.server.port("pop3"), self.server.port("imaps")
        out = self.probe("--cafile", self.ca, ports=f"pop3s:{pop3},imap:{imaps}")
        p = problems(out.stdout_text)
        self.assertIn(f"port {pop3} expected implicit TLS but the server speaks plaintext", p)
        self.assertIn(f"port {imaps} expected imap with STARTTLS but the server speaks implicit TLS", p)
        self.assertEqual(out.returncode, 1)

    def test_closed_port(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
        s.close()
        out = self.probe(ports=f"imaps:{free}")
        self.assertRegex(out.stdout_text, rf"(?m)^{free}\s+imaps\s+closed")
        self.assertIn("no port answers on 127.0.0.1", problems(out.stdout_text))

    def test_usage_errors(self):
        self.assertEqual(self.server.run("probe").returncode, 64)
        self.assertEqual(self.server.run("probe", "127.0.0.1", "--ports", "12345").returncode, 64)
        self.assertEqual(self.server.run("probe", "127.0.0.1", "--ports", "bogus:1").returncode, 64)
        self.assertEqual(self.server.run("probe", "no-such-host.invalid", "--ports", "25").returncode, 68)


DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)


@unittest.skipUnless(DOVECOT and os.path.exists("/usr/lib/dovecot/imap") and os.path.exists("/usr/lib/dovecot/pop3"),
                     "Dovecot (dovecot-imapd, dovecot-pop3d) not installed")
class ProbeDovecot(unittest.TestCase):
    """Dovecot with plaintext authentication allowed (a common misconfiguration) and its own ports."""

    @classmethod
    def setUpClass(cls):
        cls.helper = Postamt()  # only for its test CA and certificate
        cls.tmp = tempfile.mkdtemp(prefix="postamt-dovecot-")
        base = cls.helper.offset + 1000
        cls.ports = {"pop3": base + 110, "pop3s": base + 995, "imap": base + 143, "imaps": base + 993}
        tls = os.path.join(cls.helper.data, "tls")
        # Dovecot's login processes refuse to run as root: use nobody then (as bench/server_bench.py).
        if os.getuid() == 0:
            user = "nobody"
            group = grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name
        else:
            user, group = pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
        uid, gid = pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid
        os.chmod(cls.tmp, 0o755)
        conf = f"""
base_dir = {cls.tmp}/run
state_dir = {cls.tmp}/state
log_path = {cls.tmp}/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
ssl = yes
ssl_cert = <{tls}/server.crt
ssl_key = <{tls}/server.key
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{cls.tmp}/mail/%u
passdb {{
  driver = static
  args = password=secret
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={cls.tmp}/home/%u
}}
default_internal_user = {user}
default_login_user = {user}
default_internal_group = {group}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {cls.ports['imap']}
  }}
  inet_listener imaps {{
    port = {cls.ports['imaps']}
    ssl = yes
  }}
}}
service pop3-login {{
  chroot =
  inet_listener pop3 {{
    port = {cls.ports['pop3']}
  }}
  inet_listener pop3s {{
    port = {cls.ports['pop3s']}
    ssl = yes
  }}
}}
"""
        cls.conf = os.path.join(cls.tmp, "dovecot.conf")
        with open(cls.conf, "w") as f:
            f.write(conf)
        cls.proc = subprocess.Popen([DOVECOT, "-F", "-c", cls.conf], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", cls.ports["imaps"]), timeout=1).close()
                break
            except OSError:
                if cls.proc.poll() is not None:
                    break
                time.sleep(0.2)
        if cls.proc.poll() is not None:
            err = cls.proc.stderr.read().decode(errors="replace")
            cls.tearDownClass()
            raise unittest.SkipTest("dovecot did not start: " + err[-500:])

    @classmethod
    def tearDownClass(cls):
        if cls.proc.poll() is None:
            cls.proc.terminate()
            try:
                cls.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                cls.proc.kill()
                cls.proc.wait()
        cls.helper.cleanup()
        if not os.environ.get("KEEP_DOVECOT"):
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_dovecot_table_and_plaintext_auth_problems(self):
        ports = ",".join(f"{s}:{p}" for s, p in self.ports.items())
        out = self.helper.run("probe", "127.0.0.1", "--ports", ports, "--timeout", "5", "--cafile",
                              os.path.join(self.helper.data, "tls/ca.crt"), "--servername", "localhost")
        text = out.stdout_text
        for s, mode in (("pop3", "STARTTLS"), ("imap", "STARTTLS"), ("pop3s", "implicit"), ("imaps", "implicit")):
            self.assertRegex(text, rf"(?m)^{self.ports[s]}\s+\S+\s+open\s+{mode}\s+TLSv1\.[23]\s", text)
        p = problems(text)
        self.assertTrue(any(x.startswith(f"port {self.ports['pop3']} lets a client send a password before TLS")
                            and "USER/PASS" in x for x in p), p)
        self.assertTrue(any(x.startswith(f"port {self.ports['imap']} lets a client send a password before TLS")
                            and "LOGINDISABLED" in x for x in p), p)
        self.assertEqual(out.returncode, 1)
        self.assertIn("chain:    valid", text)


@unittest.skipUnless(POSTFIX, "postfix is not installed (scripts/install-deps.sh test installs it)")
class ProbePostfix(unittest.TestCase):
    """Postfix smtpd with STARTTLS (as on 25 and 587), with implicit TLS (465) and, as a
    misconfiguration, a port without TLS at all."""

    @classmethod
    def setUpClass(cls):
        ports = {name: free_tcp_port("127.0.0.6") for name in ("smtp", "submission", "submissions", "plain")}
        cls.ports = ports
        cls.postfix = PostfixInstance("127.0.0.6", {
            "smtp": (ports["smtp"], "starttls"), "submission": (ports["submission"], "starttls"),
            "submissions": (ports["submissions"], "implicit"), "plain": (ports["plain"], "none")}).start()
        cls.helper = Postamt()  # only for the binary's run()

    @classmethod
    def tearDownClass(cls):
        cls.postfix.cleanup()
        cls.helper.cleanup()

    def probe(self, ports):
        return self.helper.run("probe", "127.0.0.6", "--ports", ports, "--timeout", "5", "--cafile",
                               self.postfix.cert, "--servername", "mx.p.test")

    def test_postfix_table_without_problems(self):
        p = self.ports
        out = self.probe(f"smtp:{p['smtp']},submission:{p['submission']},submissions:{p['submissions']}")
        text = out.stdout_text
        for s, mode, pw in (("smtp", "STARTTLS", "no"), ("submission", "STARTTLS", "no"),
                            ("submissions", "implicit", "-")):
            self.assertRegex(text, rf"(?m)^{p[s]}\s+{s}\s+open\s+{mode}\s+TLSv1\.[23]\s+\S+\s+{re.escape(pw)}$", text)
        self.assertIn("subject:  CN=mx.p.test", text)
        self.assertIn("chain:    valid", text)
        self.assertIn("hostname: mx.p.test matches", text)
        self.assertIn("no problems found", text)
        self.assertEqual(out.returncode, 0, text)
        self.assertEqual(text.count("\ncertificate on port"), 1, text)

    def test_postfix_port_without_tls_is_a_problem(self):
        plain, implicit = self.ports["plain"], self.ports["submissions"]
        out = self.probe(f"smtp:{plain},smtp:{implicit}")
        text = out.stdout_text
        self.assertRegex(text, rf"(?m)^{plain}\s+smtp\s+open\s+none\s+-\s+-\s+no$", text)
        self.assertEqual(sorted(problems(text)), sorted([
            f"port {plain} offers no STARTTLS",
            f"port {implicit} expected smtp with STARTTLS but the server speaks implicit TLS"]), text)
        self.assertEqual(out.returncode, 1)


if __name__ == "__main__":
    unittest.main()
