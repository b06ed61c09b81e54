"""`postamt cert ca|csr|issue|self-signed|show`, checked with the openssl command-line tool."""
import os
import subprocess
import tempfile
import unittest

from harness import BIN


def pa(*args):
    p = subprocess.run([BIN, "cert", *args], capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def openssl(*args):
    p = subprocess.run(["openssl", *args], capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode() + p.stderr.decode()


class CertCliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="postamt-cert-")
        self.d = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.d, name)

    def make_ca(self):
        code, out, err = pa("ca", "--out-cert", self.path("ca.crt"), "--out-key", self.path("ca.key"),
                            "--cn", "Example Test CA")
        self.assertEqual(code, 0, err)

    def test_ca_issue_verify_and_show(self):
        self.make_ca()
        self.assertEqual(os.stat(self.path("ca.key")).st_mode & 0o077, 0)
        code, out, err = pa("issue", "--ca-cert", self.path("ca.crt"), "--ca-key", self.path("ca.key"),
                            "--out-cert", self.path("mail.crt"), "--out-key", self.path("mail.key"),
                            "--dns", "mail.example.test", "--dns", "imap.example.test", "--ip", "127.0.0.1",
                            "--days", "30")
        self.assertEqual(code, 0, err)
        code, out = openssl("verify", "-CAfile", self.path("ca.crt"), "-purpose", "sslserver", self.path("mail.crt"))
        self.assertEqual(code, 0, out)
        code, text = openssl("x509", "-in", self.path("mail.crt"), "-noout", "-text")
        self.assertIn("DNS:mail.example.test", text)
        self.assertIn("DNS:imap.example.test", text)
        self.assertIn("IP Address:127.0.0.1", text)
        code, out, err = pa("show", self.path("mail.crt"), "--key", self.path("mail.key"))
        self.assertEqual(code, 0, err)
        for needle in ("mail.example.test", "imap.example.test", "127.0.0.1", "Example Test CA", "EC",
                       "key matches: yes"):
            self.assertIn(needle, out)
        code, out, err = pa("show", self.path("mail.crt"), "--key", self.path("ca.key"))
        self.assertIn("key matches: no", out)

    def test_csr_has_subject_alt_names(self):
        code, out, err = pa("csr", "--key", self.path("req.key"), "--out", self.path("req.csr"),
                            "--dns", "mx.example.test", "--dns", "example.test")
        self.assertEqual(code, 0, err)
        code, text = openssl("req", "-in", self.path("req.csr"), "-noout", "-text", "-verify")
        self.assertEqual(code, 0, text)
        self.assertIn("DNS:mx.example.test", text)
        self.assertIn("DNS:example.test", text)

    def test_self_signed(self):
        code, out, err = pa("self-signed", "--out-cert", self.path("s.crt"), "--out-key", self.path("s.key"),
                            "--dns", "host.example.test")
        self.assertEqual(code, 0, err)
        code, out = openssl("verify", "-CAfile", self.path("s.crt"), self.path("s.crt"))
        self.assertEqual(code, 0, out)

    def test_refuses_to_overwrite_and_reports_errors_in_one_line(self):
        self.make_ca()
        with open(self.path("ca.crt")) as f:
            before = f.read()
        code, out, err = pa("ca", "--out-cert", self.path("ca.crt"), "--out-key", self.path("ca.key"))
        self.assertNotEqual(code, 0)
        with open(self.path("ca.crt")) as f:
            self.assertEqual(f.read(), before)
        code, out, err = pa("show", self.path("does-not-exist.crt"))
        self.assertNotEqual(code, 0)
        self.assertIn("does-not-exist.crt", err)
        code, out, err = pa("issue", "--ca-cert", self.path("ca.crt"))
        self.assertEqual(code, 64, err)


if __name__ == "__main__":
    unittest.main()
