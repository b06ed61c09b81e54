"""Outbound delivery end to end (issue 7): two postamt instances, a.test on 127.0.0.1 and b.test on
127.0.0.2, deliver to each other by MX through a local dnsmasq started here, over STARTTLS with the
[queue] TLS policy "verify": TLS required and the peer's certificate verified against its MX host
name, with both instances' test CAs (from `postamt init`) as the trust store (tls_ca_file). Each
instance DKIM-signs its users' mail with keys from `postamt dkim keygen` (published in dnsmasq with
SPF and DMARC records), and the receiving instance's Authentication-Results shows dkim=pass, spf=pass,
dmarc=pass; a forged From of a DMARC p=reject domain is refused on port 25, p=quarantine goes to Junk,
a forged Authentication-Results naming the receiver is removed. A destination that is down is retried
with backoff and then bounced (RFC 3464) into the sender's INBOX."""
import http.server
import imaplib
import os
import re
import shutil
import signal
import smtplib
import socket
import ssl
import subprocess
import threading
import time
import unittest

from harness import Postamt

ALICE, ALICE_PW = "alice@a.test", "alice-password-1"
BOB, BOB_PW = "bob@b.test", "bob-password-22"
CAROL, CAROL_PW = "carol@b.test", "carol-password-3"
DAVE, DAVE_PW = "dave@sts.test", "dave-password-44"
DNSMASQ = shutil.which("dnsmasq") or next((p for p in ("/usr/sbin/dnsmasq", "/sbin/dnsmasq") if os.path.exists(p)), None)


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


DNS_RECORDS = [
    "--mx-host=a.test,mx.a.test,10", "--host-record=mx.a.test,127.0.0.1",
    "--mx-host=b.test,mx.b.test,10", "--host-record=mx.b.test,127.0.0.2",
    # down.test: its MX has an address where nothing listens (connection refused).
    "--mx-host=down.test,mx.down.test,10", "--host-record=mx.down.test,127.0.0.3",
    # c.test: its MX is b's address, whose certificate names mx.b.test, not mx.c.test.
    "--mx-host=c.test,mx.c.test,10", "--host-record=mx.c.test,127.0.0.2",
    # slow.test: a server that accepts and never says a word.
    "--mx-host=slow.test,mx.slow.test,10", "--host-record=mx.slow.test,127.0.0.4",
    # MTA-STS (RFC 8461): sts.test and strict.test have b's MX host and publish policies served by a
    # local HTTPS server on 127.0.0.5:443; sts.test's policy names mx.b.test, strict.test's does not.
    "--mx-host=sts.test,mx.b.test,10", "--mx-host=strict.test,mx.b.test,10",
    "--host-record=mta-sts.sts.test,127.0.0.5", "--host-record=mta-sts.strict.test,127.0.0.5",
]

STS_POLICIES = {
    "mta-sts.sts.test": "version: STSv1\r\nmode: enforce\r\nmx: mx.b.test\r\nmax_age: 86400\r\n",
    "mta-sts.strict.test": "version: STSv1\r\nmode: enforce\r\nmx: *.elsewhere.test\r\nmax_age: 86400\r\n",
}


class PolicyHandler(http.server.BaseHTTPRequestHandler):
    """The policy hosts of sts.test and strict.test (RFC 8461 §3.2), chosen by the Host header."""

    def do_GET(self):
        body = STS_POLICIES.get(self.headers.get("Host", "")) if self.path == "/.well-known/mta-sts.txt" else None
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/plain")
        data = (body or "not found").encode()
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.server.requests.append(self.headers.get("Host", ""))

    def log_message(self, *args):
        pass


def start_policy_server(tmp):
    """An HTTPS server on 127.0.0.5:443 with a self-signed certificate for both policy hosts; returns
    (server, certificate path), or (None, None) when port 443 cannot be bound (not root)."""
    cert, key = os.path.join(tmp, "sts.crt"), os.path.join(tmp, "sts.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-days", "2", "-subj", "/CN=mta-sts.sts.test",
                    "-addext", "subjectAltName=DNS:mta-sts.sts.test,DNS:mta-sts.strict.test",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.5", 443), PolicyHandler)
    except OSError:
        return None, None
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    server.requests = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, cert


def txt_record(name, value):
    """A dnsmasq --txt-record option; values longer than 255 bytes become several character-strings
    (RFC 1035 §3.3.14), which DKIM and SPF readers concatenate."""
    return f"--txt-record={name}," + ",".join(value[i:i + 255] for i in range(0, len(value), 255))


MAILAUTH_RECORDS = [
    txt_record("a.test", "v=spf1 ip4:127.0.0.1 -all"),
    # b's queue connects to a from 127.0.0.1 (the kernel's source address towards 127.0.0.1).
    txt_record("b.test", "v=spf1 ip4:127.0.0.2 ip4:127.0.0.1 -all"),
    txt_record("_dmarc.a.test", "v=DMARC1; p=reject"), txt_record("_dmarc.b.test", "v=DMARC1; p=reject"),
    # q.test asks for quarantine and has no SPF or DKIM: mail "from" it is DMARC fail.
    txt_record("_dmarc.q.test", "v=DMARC1; p=quarantine"),
    txt_record("_mta-sts.sts.test", "v=STSv1; id=20261124;"), txt_record("_mta-sts.strict.test", "v=STSv1; id=1;"),
]


def keygen(server, domain, kind):
    """`postamt dkim keygen` for the domain; the (name, value) of the TXT record it prints."""
    out = server.cli("dkim", "keygen", domain, "--type", kind, check=True).stdout_text
    m = re.search(r"^(\S+)\. IN TXT (.+)$", out, re.M)
    return m.group(1), "".join(re.findall(r'"([^"]*)"', m.group(2)))


def dns_answers(port):
    """True when a DNS server on 127.0.0.1:port answers an A query for mx.a.test."""
    q = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x02mx\x01a\x04test\x00\x00\x01\x00\x01"
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.3)
    try:
        s.sendto(q, ("127.0.0.1", port))
        data, _ = s.recvfrom(512)
        return data[:2] == b"\x12\x34"
    except OSError:
        return False
    finally:
        s.close()


def start_dnsmasq(port, extra=()):
    """dnsmasq on 127.0.0.1:port serving DNS_RECORDS and `extra` (and nothing else under .test); None
    if it fails."""
    proc = subprocess.Popen([DNSMASQ, "--keep-in-foreground", "--no-resolv", "--no-hosts", "--bind-interfaces",
                             "--listen-address=127.0.0.1", f"--port={port}", "--user=root", "--pid-file=",
                             "--local=/test/", *DNS_RECORDS, *extra], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    for _ in range(50):
        if proc.poll() is not None:
            return None
        if dns_answers(port):
            return proc
        time.sleep(0.1)
    proc.kill()
    proc.wait()
    return None


def start_dnsmasq_on_free_port(extra=()):
    """(port, process) of a dnsmasq from start_dnsmasq on a free UDP port; another test may take the
    port between the check and the bind, so up to five tries."""
    for _ in range(5):
        port = free_udp_port()
        proc = start_dnsmasq(port, extra)
        if proc:
            return port, proc
    raise RuntimeError("dnsmasq did not start")


def message(subject, sender, to, body="Hello from the other side.\r\n"):
    return (f"From: <{sender}>\r\nTo: <{to}>\r\nSubject: {subject}\r\n"
            f"Message-ID: <{subject.replace(' ', '-')}@test>\r\n\r\n{body}")


def set_config(server, text_fn):
    with open(server.config) as f:
        text = f.read()
    with open(server.config, "w") as f:
        f.write(text_fn(text))


def with_queue(text, settings):
    """Sets `key = value` lines of `settings` in the [queue] section that `postamt init` wrote."""
    keys = {line.split("=")[0].strip() for line in settings.splitlines() if "=" in line}
    head, rest = text.split("[queue]\n", 1)
    end = rest.find("\n[")
    section, tail = (rest, "") if end < 0 else (rest[:end + 1], rest[end + 1:])
    kept = [l for l in section.splitlines(keepends=True)
            if l.startswith("#") or "=" not in l or l.split("=")[0].strip() not in keys]
    return head + "[queue]\n" + settings + "".join(kept) + tail


@unittest.skipUnless(DNSMASQ, "dnsmasq (Debian dnsmasq-base) is not installed")
class TestOutbound(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.a = Postamt(domain="a.test", hostname="mx.a.test")
        cls.b = Postamt(domain="b.test", hostname="mx.b.test")
        # DKIM keys: a.test signs with RSA (2048 bits: a record longer than 255 bytes) and Ed25519.
        cls.dkim_records = dict([keygen(cls.a, "a.test", "rsa"), keygen(cls.a, "a.test", "ed25519"),
                                 keygen(cls.b, "b.test", "ed25519")])
        extra = MAILAUTH_RECORDS + [txt_record(n, v) for n, v in cls.dkim_records.items()]
        cls.dns_port, cls.dns = start_dnsmasq_on_free_port(extra)
        # b listens on 127.0.0.2 with the same port numbers as a, so one remote_port fits both.
        b_offset = cls.b.offset
        cls.b.offset = cls.a.offset

        def move_b(text):
            text = text.replace('address = "127.0.0.1"', 'address = "127.0.0.2"')
            return re.sub(r"^port = (\d+)$", lambda m: f"port = {int(m.group(1)) - b_offset + cls.a.offset}",
                          text, flags=re.M)
        set_config(cls.b, move_b)
        bundle = os.path.join(cls.a.tmp, "cas.pem")
        with open(bundle, "w") as out:
            for s in (cls.a, cls.b):
                with open(os.path.join(s.data, "tls", "ca.crt")) as f:
                    out.write(f.read())
        cls.sts, sts_cert = start_policy_server(cls.a.tmp)
        queue = (f'remote_port = {cls.a.port("smtp")}\nresolvers = ["127.0.0.1:{cls.dns_port}"]\n'
                 'dns_timeout_ms = 1000\nretry_initial_seconds = 1\nretry_max_seconds = 2\nmax_age_seconds = 8\n'
                 f'smtp_timeout_seconds = 10\ntls = "verify"\ntls_ca_file = "{bundle}"\n'
                 + (f'mta_sts_ca_file = "{sts_cert}"\n' if sts_cert else ''))
        for s in (cls.a, cls.b):
            set_config(s, lambda t: with_queue(t, queue))
        cls.a.add_user(ALICE, ALICE_PW)
        cls.b.add_user(BOB, BOB_PW)
        cls.b.add_user(CAROL, CAROL_PW)
        cls.b.cli("domain", "add", "sts.test", check=True)
        cls.b.add_user(DAVE, DAVE_PW)
        cls.a.start()
        cls.b.start()
        cls.ctx = {}
        for s in (cls.a, cls.b):
            ctx = ssl.create_default_context(cafile=os.path.join(s.data, "tls", "ca.crt"))
            ctx.check_hostname = False  # we connect by IP
            cls.ctx[s] = ctx

    @classmethod
    def tearDownClass(cls):
        if cls.sts:
            cls.sts.shutdown()
            cls.sts.server_close()
        for s in (cls.a, cls.b):
            s.cleanup()
        cls.dns.terminate()
        cls.dns.wait(timeout=10)

    def host(self, server):
        return "127.0.0.2" if server is self.b else "127.0.0.1"

    def submit(self, server, user, password, to, msg):
        s = smtplib.SMTP(self.host(server), server.port("submission"), timeout=20)
        s.starttls(context=self.ctx[server])
        s.login(user, password)
        refused = s.sendmail(user, to, msg)
        s.quit()
        return refused

    def messages(self, server, user, password):
        return server.pop3_messages(user, password, self.ctx[server], host=self.host(server))

    def wait_for(self, server, user, password, needle, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = [m for m in self.messages(server, user, password) if needle.encode() in m]
            if found:
                return found
            time.sleep(0.3)
        self.fail(f"{needle!r} never arrived for {user}; a log:\n{self.a.server_log()[-3000:]}\n"
                  f"b log:\n{self.b.server_log()[-3000:]}")

    def queue_list(self, server):
        return server.cli("queue", "list", check=True).stdout_text

    def test_a_to_b_and_back_by_mx_over_starttls(self):
        self.assertEqual(self.submit(self.a, ALICE, ALICE_PW, [BOB], message("hello bob", ALICE, BOB)), {})
        got = self.wait_for(self.b, BOB, BOB_PW, "hello bob")[0]
        # b's Received: names a's EHLO and says TLS was used (ESMTPS, RFC 3848).
        self.assertRegex(got, rb"Received: from mx\.a\.test \(mx\.a\.test \[127\.0\.0\.1\]\)")
        self.assertIn(b"with ESMTPS", got)
        self.assertIn(b"Return-Path: <alice@a.test>", got)
        # a signed with both keys; b verified both, and SPF and DMARC, and said so (RFC 8601).
        ar = self.auth_results(got, "mx.b.test")
        self.assertRegex(ar, r"dkim=pass header\.d=a\.test [^;]*header\.s=postamt header\.a=rsa-sha256")
        self.assertRegex(ar, r"dkim=pass header\.d=a\.test [^;]*header\.s=postamt-ed25519 header\.a=ed25519-sha256")
        self.assertIn("spf=pass smtp.mailfrom=alice@a.test", ar)
        self.assertRegex(ar, r"dmarc=pass .*header\.from=a\.test")
        self.assertEqual(got.count(b"DKIM-Signature:"), 2)
        self.assertTrue(self.python_dkim_verifies(got), got[:1500])
        self.assertEqual(self.submit(self.b, BOB, BOB_PW, [ALICE], message("hello alice", BOB, ALICE)), {})
        back = self.wait_for(self.a, ALICE, ALICE_PW, "hello alice")[0]
        self.assertIn(b"with ESMTPS", back)
        ar = self.auth_results(back, "mx.a.test")
        self.assertRegex(ar, r"dkim=pass header\.d=b\.test [^;]*header\.a=ed25519-sha256")
        self.assertIn("spf=pass smtp.mailfrom=bob@b.test", ar)
        self.assertIn("dmarc=pass", ar)
        # Delivered entries leave the queue.
        deadline = time.time() + 10
        while "0 messages in the queue" not in self.queue_list(self.a) and time.time() < deadline:
            time.sleep(0.2)
        self.assertIn("0 messages in the queue", self.queue_list(self.a))
        self.assertRegex(self.a.server_log(), r"event=queue_attempt .*host=mx\.b\.test .*tls=TLSv1\.[23] verified=1")

    def auth_results(self, msg, authserv_id):
        """The one Authentication-Results field of the message, unfolded; it must name authserv_id."""
        fields = re.findall(rb"^Authentication-Results:([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", msg, re.M)
        self.assertEqual(len(fields), 1, msg[:2000])
        value = re.sub(r"\r\n[ \t]+", " ", fields[0].decode()).strip()
        self.assertTrue(value.startswith(authserv_id + ";"), value)
        return value

    def python_dkim_verifies(self, msg):
        """Python's dkim module (python3-dkim) checks every signature against the published keys."""
        try:
            import dkim
        except ImportError:
            import sys
            sys.path.append("/usr/lib/python3/dist-packages")
            try:
                import dkim
            except ImportError:
                return True  # not installed: our own verifier's dkim=pass above must do
        records = {n.lower(): v for n, v in self.dkim_records.items()}

        def dnsfunc(name, timeout=5):
            v = records.get(name.decode().rstrip(".").lower())
            return v.encode() if v else None
        # The verifier sees the message as b stored it, Received/Authentication-Results on top.
        d = dkim.DKIM(msg + b"\r\n")  # POP3 lines joined: the last CRLF is missing
        count = msg.count(b"DKIM-Signature:")
        return all(d.verify(idx=i, dnsfunc=dnsfunc) for i in range(count))

    def mx_send(self, server, sender, to, msg):
        """A message to the server's MX port from 127.0.0.1 as an outside MTA would send it."""
        c = smtplib.SMTP(self.host(server), server.port("smtp"), timeout=20)
        try:
            c.ehlo("mx.evil.test")
            return c.sendmail(sender, [to], msg)
        finally:
            c.close()

    def test_dmarc_reject_is_refused_on_the_mx_port(self):
        forged = message("wire the money", "ceo@a.test", BOB)
        with self.assertRaises(smtplib.SMTPDataError) as cm:
            self.mx_send(self.b, "x@evil.test", BOB, forged)
        self.assertEqual(cm.exception.smtp_code, 550)
        self.assertIn(b"5.7.1", cm.exception.smtp_error)
        self.assertIn(b"DMARC", cm.exception.smtp_error)
        self.assertRegex(self.b.server_log(), r"event=mailauth .*dmarc=fail.* action=reject")

    def test_dmarc_quarantine_goes_to_junk_and_forged_results_are_removed(self):
        forged = ("Authentication-Results: mx.b.test; dkim=pass header.d=q.test\r\n"
                  "Authentication-Results: other.example; spf=pass smtp.mailfrom=q.test\r\n"
                  + message("quarantine me", "news@q.test", CAROL))
        self.assertEqual(self.mx_send(self.b, "news@q.test", CAROL, forged), {})
        imap = imaplib.IMAP4(self.host(self.b), self.b.port("imap"), timeout=20)
        try:
            imap.starttls(self.ctx[self.b])
            imap.login(CAROL, CAROL_PW)
            imap.select("INBOX")
            self.assertEqual(imap.search(None, "SUBJECT", '"quarantine me"')[1], [b""])
            imap.select("Junk")
            nums = imap.search(None, "SUBJECT", '"quarantine me"')[1][0].split()
            self.assertEqual(len(nums), 1)
            got = imap.fetch(nums[0], "(BODY.PEEK[HEADER])")[1][0][1]
        finally:
            imap.logout()
        ar = self.auth_results(got.replace(b"Authentication-Results: other.example", b"X-Kept: other.example"),
                               "mx.b.test")
        self.assertIn("dkim=none", ar)
        self.assertIn("dmarc=fail", ar)
        self.assertIn(b"Authentication-Results: other.example; spf=pass", got)  # not ours: kept

    def test_mixed_local_and_remote_recipients(self):
        self.assertEqual(self.submit(self.a, ALICE, ALICE_PW, [BOB, ALICE], message("both", ALICE, BOB)), {})
        self.wait_for(self.b, BOB, BOB_PW, "Subject: both")
        self.assertEqual(len([m for m in self.messages(self.a, ALICE, ALICE_PW) if b"Subject: both" in m]), 1)

    def test_unknown_remote_user_bounces_at_once(self):
        self.assertEqual(self.submit(self.a, ALICE, ALICE_PW, ["nobody@b.test"],
                                     message("to nobody", ALICE, "nobody@b.test")), {})
        dsn = self.wait_for(self.a, ALICE, ALICE_PW, "Final-Recipient: rfc822; nobody@b.test")[0]
        self.assertIn(b"multipart/report; report-type=delivery-status", dsn)
        self.assertIn(b"Action: failed", dsn)
        self.assertIn(b"Status: 5.1.1", dsn)
        self.assertIn(b"Remote-MTA: dns; mx.b.test", dsn)
        self.assertIn(b"Subject: to nobody", dsn)  # the original comes back
        self.assertIn(b"Return-Path: <>", dsn)     # from the null sender (RFC 5321 §4.5.5)

    def test_down_destination_is_retried_then_bounced(self):
        self.assertEqual(self.submit(self.a, ALICE, ALICE_PW, ["carol@down.test"],
                                     message("to the void", ALICE, "carol@down.test")), {})
        # While retrying, the queue shows the entry with its attempts and the last error.
        deadline = time.time() + 6
        seen_retry = False
        while time.time() < deadline and not seen_retry:
            listing = self.queue_list(self.a)
            m = re.search(r"to=<carol@down\.test> state=pending attempts=(\d+)", listing)
            seen_retry = bool(m and int(m.group(1)) >= 2)
            time.sleep(0.2)
        self.assertTrue(seen_retry, self.queue_list(self.a))
        dsn = self.wait_for(self.a, ALICE, ALICE_PW, "Final-Recipient: rfc822; carol@down.test", timeout=30)[0]
        self.assertIn(b"Action: failed", dsn)
        self.assertIn(b"Status: 5.4.1", dsn)  # 4.4.1 (no answer from host) made final
        self.assertIn(b"gave up", dsn)
        self.assertIn(b"Subject: to the void", dsn)
        attempts = len(re.findall(r"event=queue_attempt [^\n]*address=127\.0\.0\.3", self.a.server_log()))
        self.assertGreaterEqual(attempts, 3)

    def test_certificate_not_matching_the_mx_name_is_not_trusted(self):
        self.assertEqual(self.submit(self.a, ALICE, ALICE_PW, ["carol@c.test"],
                                     message("wrong name", ALICE, "carol@c.test")), {})
        deadline = time.time() + 10
        listing = ""
        while time.time() < deadline:
            listing = self.queue_list(self.a)
            if re.search(r"to=<carol@c\.test> state=pending attempts=[1-9]", listing):
                break
            time.sleep(0.2)
        self.assertRegex(listing, r"to=<carol@c\.test> state=pending attempts=[1-9]\d* .*last=\"451 4\.4\.1 "
                                  r"mx\.c\.test \[127\.0\.0\.2\]: TLS handshake: certificate verify failed")
        self.assertNotIn("wrong name", "".join(m.decode(errors="replace") for m in self.messages(self.b, BOB, BOB_PW)))
        qid = re.search(r"^([0-9a-f]{16}) .*\n  to=<carol@c\.test>", listing, re.M).group(1)
        self.a.cli("queue", "delete", qid, check=True)

    def test_mta_sts_enforce_delivers_to_a_listed_mx_and_defers_an_unlisted_one(self):
        if not self.sts:
            self.skipTest("port 443 on 127.0.0.5 needs root")
        self.assertEqual(self.submit(self.a, ALICE, ALICE_PW, [DAVE, "carol@strict.test"],
                                     message("policy applies", ALICE, DAVE)), {})
        # sts.test: its policy lists mx.b.test; delivered over verified TLS.
        self.wait_for(self.b, DAVE, DAVE_PW, "policy applies")
        self.assertIn("mta-sts.sts.test", self.sts.requests)
        self.assertRegex(self.a.server_log(), r"event=mta_sts_policy domain=sts\.test id=20261124 mode=enforce")
        # strict.test: mx.b.test is not in its policy, so the recipient waits (a temporary failure, §5).
        deadline = time.time() + 6
        listing = ""
        while time.time() < deadline:
            listing = self.queue_list(self.a)
            if re.search(r"to=<carol@strict\.test> state=pending attempts=[1-9]", listing):
                break
            time.sleep(0.2)
        self.assertRegex(listing, r"to=<carol@strict\.test> state=pending attempts=[1-9]\d* .*last=\"451 4\.7\.5 "
                                  r"MTA-STS: the policy of strict\.test allows none of its MX hosts")
        # The policy was fetched once and is cached for the next attempts.
        self.assertEqual(self.sts.requests.count("mta-sts.strict.test"), 1, self.sts.requests)
        qid = re.search(r"^([0-9a-f]{16}) .*\n(?:  .*\n)*  to=<carol@strict\.test>", listing, re.M).group(1)
        self.a.cli("queue", "delete", qid, check=True)

    def test_queue_cli_hold_release_show_delete(self):
        a = self.a
        self.assertEqual(self.submit(a, ALICE, ALICE_PW, ["dan@down.test"],
                                     message("held one", ALICE, "dan@down.test")), {})
        m = re.search(r"^([0-9a-f]{16}) \w+ .*from=<alice@a\.test>\n  to=<dan@down\.test>", self.queue_list(a), re.M)
        self.assertTrue(m, self.queue_list(a))
        qid = m.group(1)
        self.assertEqual(a.cli("queue", "hold", qid).returncode, 0)
        self.assertIn(f"{qid} held", self.queue_list(a))
        shown = a.cli("queue", "show", qid, check=True).stdout_text
        self.assertIn("to=<dan@down.test> state=pending", shown)
        self.assertEqual(a.cli("queue", "release", qid).returncode, 0)
        self.assertEqual(a.cli("queue", "flush", qid).returncode, 0)
        self.assertEqual(a.cli("queue", "delete", qid).returncode, 0)
        self.assertNotIn(qid, self.queue_list(a))
        self.assertNotEqual(a.cli("queue", "show", qid).returncode, 0)
        self.assertNotEqual(a.cli("queue", "bogus").returncode, 0)

    def test_z_shutdown_does_not_wait_for_a_silent_peer(self):
        # Named to run last: it stops instance a. A peer that accepts and stays silent would hold a
        # worker for smtp_timeout_seconds (10 s here); SIGTERM must cancel it at once.
        silent = socket.socket()
        silent.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        silent.bind(("127.0.0.4", self.a.port("smtp")))
        silent.listen(5)
        try:
            self.assertEqual(self.submit(self.a, ALICE, ALICE_PW, ["x@slow.test"],
                                         message("silence", ALICE, "x@slow.test")), {})
            conn, _ = silent.accept()  # the queue is connected and waiting for a greeting
            started = time.time()
            self.a.proc.send_signal(signal.SIGTERM)
            self.a.proc.wait(timeout=15)
            self.assertLess(time.time() - started, 5)
            self.assertEqual(self.a.proc.returncode, 0)
            conn.close()
        finally:
            silent.close()
        # The entry is still queued, its interrupted attempt not counted.
        self.assertRegex(self.queue_list(self.a), r"to=<x@slow\.test> state=pending attempts=0")


class TestSmarthost(unittest.TestCase):
    """[queue] smarthost with AUTH PLAIN over required STARTTLS: instance a relays everything through
    instance s's submission port, authenticated as a user of s."""

    @classmethod
    def setUpClass(cls):
        cls.s = Postamt(domain="b.test", hostname="mx.b.test")
        cls.s.add_user(BOB, BOB_PW)
        cls.a = Postamt(domain="a.test", hostname="mx.a.test")
        queue = (f'smarthost = "127.0.0.1:{cls.s.port("submission")}"\nsmarthost_user = "{BOB}"\n'
                 f'smarthost_password = "{BOB_PW}"\ntls = "encrypt"\nretry_initial_seconds = 1\n'
                 'smtp_timeout_seconds = 10\n')
        set_config(cls.a, lambda t: with_queue(t.replace("relay_networks = []", 'relay_networks = ["127.0.0.0/8"]'),
                                               queue))
        cls.s.start()
        cls.a.start()
        cls.ctx = ssl.create_default_context(cafile=os.path.join(cls.s.data, "tls", "ca.crt"))
        cls.ctx.check_hostname = False

    @classmethod
    def tearDownClass(cls):
        cls.a.cleanup()
        cls.s.cleanup()

    def test_relay_through_authenticated_smarthost(self):
        c = smtplib.SMTP("127.0.0.1", self.a.port("smtp"), timeout=20)
        self.assertEqual(c.sendmail(BOB, [BOB], message("via smarthost", BOB, BOB)), {})
        c.quit()
        deadline = time.time() + 20
        while time.time() < deadline:
            msgs = self.s.pop3_messages(BOB, BOB_PW, self.ctx)
            if msgs:
                break
            time.sleep(0.3)
        self.assertTrue(msgs, self.a.server_log()[-3000:])
        self.assertIn(b"Subject: via smarthost", msgs[0])
        self.assertIn(b"with ESMTPSA", msgs[0])
        self.assertIn(b"(authenticated as bob@b.test)", msgs[0])


if __name__ == "__main__":
    unittest.main()
