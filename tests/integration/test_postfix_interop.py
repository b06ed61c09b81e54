"""Postfix (Debian) as the receiving MTA (issue 7): a private Postfix instance in a temporary directory
(its own main.cf/master.cf, queue and data directories, smtpd on 127.0.0.5 with a self-signed
certificate for mx.p.test, virtual delivery into an mbox file) receives mail from our queue, which finds
it by MX through a local dnsmasq and must use STARTTLS with a verified certificate ([queue] tls =
"verify" with that certificate as tls_ca_file). Postfix's Received: field and log show TLS; Python's
dkim module (python3-dkim) verifies both of our DKIM signatures on the message as Postfix stored it.
PostfixInstance is also used by test_probe.py."""
import os
import pwd
import re
import shutil
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

from harness import Postamt
from test_outbound import DNSMASQ, keygen, set_config, start_dnsmasq_on_free_port, txt_record, with_queue

POSTFIX = shutil.which("postfix") or ("/usr/sbin/postfix" if os.path.exists("/usr/sbin/postfix") else None)
ALICE, ALICE_PW = "alice@a.test", "alice-password-1"

try:
    import dkim
except ImportError:  # Debian's python3-dkim when the test runs under another python3
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        import dkim
    except ImportError:
        dkim = None


def free_tcp_port(address):
    s = socket.socket()
    s.bind((address, 0))
    port = s.getsockname()[1]
    s.close()
    return port


class PostfixInstance:
    """A private Postfix: `postfix -c DIR/etc start` with everything under one temporary directory.
    `listeners` maps a name to (port, mode): mode "starttls" (smtpd offering STARTTLS), "implicit"
    (smtpd_tls_wrappermode, as on port 465) or "none" (no TLS at all)."""

    def __init__(self, address, listeners, hostname="mx.p.test", domain="p.test"):
        self.tmp = tempfile.mkdtemp(prefix="postamt-postfix-")
        os.chmod(self.tmp, 0o755)
        self.address, self.hostname, self.listeners = address, hostname, listeners
        etc = os.path.join(self.tmp, "etc")
        for d in ("etc", "queue", "data", "mail"):
            os.makedirs(os.path.join(self.tmp, d))
        pf = pwd.getpwnam("postfix")
        os.chown(os.path.join(self.tmp, "data"), pf.pw_uid, pf.pw_gid)
        nobody = pwd.getpwnam("nobody")
        os.chown(os.path.join(self.tmp, "mail"), nobody.pw_uid, nobody.pw_gid)
        self.cert, self.key = os.path.join(etc, "cert.pem"), os.path.join(etc, "key.pem")
        # Self-signed (CA:TRUE), so the certificate itself is the trust anchor of whoever verifies it.
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "365",
                        "-subj", f"/CN={hostname}", "-addext", f"subjectAltName=DNS:{hostname}",
                        "-addext", "basicConstraints=critical,CA:TRUE",
                        "-keyout", self.key, "-out", self.cert], check=True, capture_output=True)
        self.mailbox = os.path.join(self.tmp, "mail", "mailbox")
        self.log_path = os.path.join(self.tmp, "postfix.log")
        main = f"""compatibility_level = 3.6
queue_directory = {self.tmp}/queue
data_directory = {self.tmp}/data
mail_owner = postfix
setgid_group = postdrop
myhostname = {hostname}
mydomain = {domain}
mydestination =
inet_interfaces = all
inet_protocols = ipv4
mynetworks = {address}/32
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
virtual_mailbox_domains = {domain}
virtual_mailbox_base = {self.tmp}/mail
virtual_mailbox_maps = static:mailbox
virtual_uid_maps = static:{nobody.pw_uid}
virtual_gid_maps = static:{nobody.pw_gid}
virtual_minimum_uid = 1
alias_maps =
alias_database =
smtpd_tls_cert_file = {self.cert}
smtpd_tls_key_file = {self.key}
smtpd_tls_security_level = may
smtpd_tls_received_header = yes
smtpd_tls_loglevel = 1
smtpd_peername_lookup = no
smtputf8_enable = no
biff = no
maillog_file = {self.log_path}
maillog_file_prefixes = {self.tmp}
"""
        with open(os.path.join(etc, "main.cf"), "w") as f:
            f.write(main)
        services = ""
        for name, (port, mode) in listeners.items():
            services += f"{address}:{port} inet n - n - - smtpd\n"
            if mode == "implicit":
                services += "  -o smtpd_tls_wrappermode=yes\n"
            elif mode == "none":
                services += "  -o smtpd_tls_security_level=none\n"
        services += """cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
tlsmgr unix - - n 1000? 1 tlsmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
virtual unix - n n - - virtual
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
"""
        with open(os.path.join(etc, "master.cf"), "w") as f:
            f.write(services)
        self.etc = etc

    def start(self):
        out = subprocess.run([POSTFIX, "-c", self.etc, "start"], capture_output=True, text=True)
        deadline = time.time() + 20
        ports = [p for p, _ in self.listeners.values()]
        while time.time() < deadline:
            try:
                for p in ports:
                    socket.create_connection((self.address, p), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.2)
        log = self.log()
        self.cleanup()
        raise RuntimeError(f"postfix did not start ({out.returncode}): {out.stderr} {log[-1500:]}")

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def messages(self):
        """The messages in the mbox, each with CRLF line ends and without the mbox From_ line."""
        try:
            with open(self.mailbox, "rb") as f:
                data = f.read()
        except OSError:
            return []
        parts = re.split(rb"(?m)^From [^\n]*\n", data)
        return [p.rstrip(b"\n").replace(b"\n", b"\r\n") + b"\r\n" for p in parts if p.strip()]

    def cleanup(self):
        subprocess.run([POSTFIX, "-c", self.etc, "stop"], capture_output=True)
        # postfix stop returns before every child has exited; wait for the master's pid file to go.
        pid_file = os.path.join(self.tmp, "queue", "pid", "master.pid")
        deadline = time.time() + 10
        while os.path.exists(pid_file) and time.time() < deadline:
            time.sleep(0.1)
        if not os.environ.get("KEEP_POSTFIX"):
            shutil.rmtree(self.tmp, ignore_errors=True)


@unittest.skipUnless(POSTFIX, "postfix is not installed (scripts/install-deps.sh test installs it)")
@unittest.skipUnless(DNSMASQ, "dnsmasq (Debian dnsmasq-base) is not installed")
class PostfixReceives(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.a = Postamt(domain="a.test", hostname="mx.a.test")
        cls.records = dict([keygen(cls.a, "a.test", "rsa"), keygen(cls.a, "a.test", "ed25519")])
        port = free_tcp_port("127.0.0.5")
        cls.postfix = PostfixInstance("127.0.0.5", {"smtp": (port, "starttls")})
        extra = ["--mx-host=p.test,mx.p.test,10", "--host-record=mx.p.test,127.0.0.5"] + \
                [txt_record(n, v) for n, v in cls.records.items()]
        cls.dns_port, cls.dns = start_dnsmasq_on_free_port(extra)
        queue = (f'remote_port = {port}\nresolvers = ["127.0.0.1:{cls.dns_port}"]\ndns_timeout_ms = 1000\n'
                 f'retry_initial_seconds = 1\nsmtp_timeout_seconds = 20\ntls = "verify"\n'
                 f'tls_ca_file = "{cls.postfix.cert}"\n')
        set_config(cls.a, lambda t: with_queue(t, queue))
        cls.a.add_user(ALICE, ALICE_PW)
        cls.postfix.start()
        cls.a.start()

    @classmethod
    def tearDownClass(cls):
        cls.a.cleanup()
        cls.postfix.cleanup()
        cls.dns.terminate()
        cls.dns.wait(timeout=10)

    def test_postfix_accepts_our_signed_mail_over_starttls(self):
        ctx = ssl.create_default_context(cafile=os.path.join(self.a.data, "tls", "ca.crt"))
        ctx.check_hostname = False
        c = smtplib.SMTP("127.0.0.1", self.a.port("submission"), timeout=20)
        c.starttls(context=ctx)
        c.login(ALICE, ALICE_PW)
        msg = ("From: Alice <alice@a.test>\r\nTo: <pat@p.test>\r\nSubject: to postfix\r\n"
               "Date: Mon, 01 Jan 2024 10:00:00 +0000\r\nMessage-ID: <to-postfix@a.test>\r\n"
               "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
               "Hello Postfix,\r\n  odd   spacing \t\r\n\r\n-- \r\nAlice\r\n")
        self.assertEqual(c.sendmail(ALICE, ["pat@p.test"], msg), {})
        c.quit()
        deadline = time.time() + 30
        got = []
        while time.time() < deadline and not got:
            got = [m for m in self.postfix.messages() if b"Subject: to postfix" in m]
            time.sleep(0.3)
        self.assertTrue(got, f"postfix log:\n{self.postfix.log()[-3000:]}\npostamt log:\n"
                             f"{self.a.server_log()[-3000:]}")
        m = got[0]
        # Postfix's own trace field: our EHLO name, ESMTPS and the TLS parameters (smtpd_tls_received_header).
        self.assertRegex(m, rb"Received: from mx\.a\.test \(unknown \[127\.0\.0\.1\]\)\r\n\t\(using TLSv1\.[23] ")
        self.assertRegex(m, rb"by mx\.p\.test \(Postfix\) with ESMTPS")
        self.assertRegex(self.postfix.log(), r"TLS connection established from unknown\[127\.0\.0\.1\]: TLSv1\.[23]")
        # Our side verified Postfix's certificate against the MX name.
        self.assertRegex(self.a.server_log(), r"event=queue_attempt .*host=mx\.p\.test .*tls=TLSv1\.[23] verified=1")
        self.assertEqual(m.count(b"DKIM-Signature:"), 2)
        if dkim is None:
            self.skipTest("python3-dkim not installed: signatures not checked by a second implementation")
        records = {n.lower(): v for n, v in self.records.items()}

        def dnsfunc(name, timeout=5):
            v = records.get(name.decode().rstrip(".").lower())
            return v.encode() if v else None
        d = dkim.DKIM(m)
        for i in range(2):
            self.assertTrue(d.verify(idx=i, dnsfunc=dnsfunc), f"signature {i}: {m[:2000]!r}")


if __name__ == "__main__":
    unittest.main()
