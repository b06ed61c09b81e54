"""DKIM interoperability against the real binary: `postamt dkim keygen` writes keys and prints the TXT
record; messages signed by `postamt dkim sign` (rsa-sha256, ed25519-sha256) verify with Python's dkim
module (python3-dkim, Debian), and messages signed by Python's dkim verify with `postamt dkim verify`."""
import base64
import os
import re
import stat
import sys
import unittest

from harness import Postamt

try:
    import dkim
    import nacl.signing
except ImportError:  # Debian's python3-dkim when the test runs under another python3
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        import dkim
        import nacl.signing
    except ImportError:
        dkim = None

MESSAGE = (b"From: Alice <alice@example.test>\r\n"
           b"To: Bob <bob@example.org>\r\n"
           b"Subject: DKIM interop\r\n"
           b"Date: Mon, 01 Jan 2024 10:00:00 +0000\r\n"
           b"Message-ID: <interop-1@example.test>\r\n"
           b"MIME-Version: 1.0\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n"
           b"\r\n"
           b"Hello Bob,\r\n"
           b"  this line has  odd   spacing \t \r\n"
           b"\r\n"
           b"-- \r\nAlice\r\n\r\n\r\n")


def record_from(output):
    """(name, value) of the `NAME. IN TXT "..." "..."` line keygen prints."""
    m = re.search(r"^(\S+)\. IN TXT (.+)$", output, re.M)
    assert m, output
    return m.group(1), "".join(re.findall(r'"([^"]*)"', m.group(2)))


@unittest.skipUnless(dkim, "python3-dkim (and python3-nacl) not installed")
class DkimInterop(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Postamt()
        cls.records = {}
        for kind in ("rsa", "ed25519"):
            out = cls.server.cli("dkim", "keygen", "example.test", "--type", kind, check=True)
            name, value = record_from(out.stdout_text)
            cls.records[name.lower()] = value

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def dnsfunc(self, name, timeout=5):
        key = (name.decode() if isinstance(name, bytes) else name).rstrip(".").lower()
        value = self.records.get(key)
        return value.encode() if value else None

    def sign(self, *extra, message=MESSAGE):
        out = self.server.cli("dkim", "sign", "--domain", "example.test", *extra, input=message)
        self.assertEqual(out.returncode, 0, out.stderr_text)
        return out.stdout

    def test_keygen_writes_private_key_and_record(self):
        path = os.path.join(self.server.data, "dkim", "example.test", "postamt.key")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path) as f:
            self.assertIn("BEGIN PRIVATE KEY", f.read())
        rsa = self.records["postamt._domainkey.example.test"]
        self.assertTrue(rsa.startswith("v=DKIM1; k=rsa; p=MII"), rsa)
        ed = self.records["postamt-ed25519._domainkey.example.test"]
        self.assertEqual(len(base64.b64decode(ed.split("p=")[1])), 32)
        again = self.server.cli("dkim", "keygen", "example.test")
        self.assertNotEqual(again.returncode, 0)
        self.assertIn("never overwritten", again.stderr_text)
        self.assertNotEqual(self.server.cli("dkim", "keygen", "bad domain!").returncode, 0)

    def test_vacation_reply_is_signed_when_queued(self):
        """Mail that delivery sets off (here a Sieve vacation reply from demo@example.test) is signed
        with the From domain's keys before it enters the queue, like submitted mail."""
        self.server.add_user("demo@example.test", "demo-password-1")
        script = 'require "vacation";\r\nvacation :days 1 "I am away.";\r\n'
        self.server.cli("sieve", "put", "--user", "demo@example.test", "away", input=script, check=True)
        self.server.cli("sieve", "activate", "--user", "demo@example.test", "away", check=True)
        mail = (b"From: Carol <carol@example.org>\r\nTo: demo@example.test\r\nSubject: hello\r\n"
                b"Message-ID: <vacation-dkim@example.org>\r\n\r\nAre you there?\r\n")
        out = self.server.deliver("demo@example.test", mail, sender="carol@example.org")
        self.assertEqual(out.returncode, 0, out.stderr_text)
        queued = os.path.join(self.server.data, "queue", "messages")
        files = [os.path.join(queued, f) for f in os.listdir(queued)]
        self.assertEqual(len(files), 1, files)
        with open(files[0], "rb") as f:
            reply = f.read()
        self.assertIn(b"I am away.", reply)
        self.assertTrue(reply.startswith(b"DKIM-Signature: "), reply[:200])
        self.assertTrue(dkim.verify(reply, dnsfunc=self.dnsfunc))
        os.remove(files[0])
        # A redirected copy is someone else's mail: even with a From of our domain it stays unsigned.
        self.server.add_user("fwd@example.test", "fwd-password-1")
        self.server.cli("sieve", "put", "--user", "fwd@example.test", "fwd", input='redirect "x@example.org";\r\n', check=True)
        self.server.cli("sieve", "activate", "--user", "fwd@example.test", "fwd", check=True)
        forged = mail.replace(b"From: Carol <carol@example.org>", b"From: CEO <ceo@example.test>")
        out = self.server.deliver("fwd@example.test", forged, sender="carol@example.org")
        self.assertEqual(out.returncode, 0, out.stderr_text)
        files = [os.path.join(queued, f) for f in os.listdir(queued) if f.endswith(".eml")]
        self.assertEqual(len(files), 1, files)
        with open(files[0], "rb") as f:
            copy = f.read()
        self.assertIn(b"From: CEO <ceo@example.test>", copy)
        self.assertNotIn(b"DKIM-Signature:", copy)

    def test_our_rsa_signature_verifies_with_python_dkim(self):
        signed = self.sign()
        self.assertTrue(signed.startswith(b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;"), signed[:200])
        self.assertTrue(signed.endswith(MESSAGE))
        self.assertTrue(dkim.verify(signed, dnsfunc=self.dnsfunc))
        tampered = signed.replace(b"Hello Bob", b"Hello Eve")
        self.assertFalse(dkim.verify(tampered, dnsfunc=self.dnsfunc))

    def test_our_ed25519_signature_verifies_with_python_dkim(self):
        signed = self.sign("--type", "ed25519")
        self.assertIn(b"a=ed25519-sha256", signed)
        self.assertTrue(dkim.verify(signed, dnsfunc=self.dnsfunc))
        self.assertFalse(dkim.verify(signed.replace(b"Subject: DKIM", b"Subject: XKIM"), dnsfunc=self.dnsfunc))

    def test_bare_lf_message_is_signed_as_crlf(self):
        signed = self.sign(message=MESSAGE.replace(b"\r\n", b"\n"))
        self.assertTrue(dkim.verify(signed.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"), dnsfunc=self.dnsfunc))

    def verify_ours(self, signed, name, value):
        return self.server.run("dkim", "verify", "--record", f"{name}={value}", input=signed)

    def test_python_rsa_signature_verifies_with_ours(self):
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
        pub = key.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
        record = "v=DKIM1; k=rsa; p=" + base64.b64encode(pub).decode()
        for canon in ((b"relaxed", b"relaxed"), (b"simple", b"simple"), (b"relaxed", b"simple")):
            sig = dkim.sign(MESSAGE, b"py", b"example.org", pem, canonicalize=canon,
                            include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
            out = self.verify_ours(sig + MESSAGE, "py._domainkey.example.org", record)
            self.assertEqual(out.returncode, 0, out.stdout_text + out.stderr_text)
            self.assertIn("dkim=pass d=example.org s=py a=rsa-sha256", out.stdout_text)
        bad = self.verify_ours(sig + MESSAGE.replace(b"Alice\r\n", b"Mallory\r\n"), "py._domainkey.example.org", record)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("dkim=fail", bad.stdout_text)
        self.assertIn("body hash mismatch", bad.stdout_text)
        nokey = self.server.run("dkim", "verify", "--record", "other._domainkey.example.invalid=v=DKIM1; p=",
                                input=sig + MESSAGE)
        self.assertEqual(nokey.returncode, 1)

    def test_python_ed25519_signature_verifies_with_ours(self):
        sk = nacl.signing.SigningKey.generate()
        seed = base64.b64encode(bytes(sk))
        record = "v=DKIM1; k=ed25519; p=" + base64.b64encode(bytes(sk.verify_key)).decode()
        sig = dkim.sign(MESSAGE, b"ed", b"example.org", seed, signature_algorithm=b"ed25519-sha256",
                        canonicalize=(b"relaxed", b"relaxed"))
        out = self.verify_ours(sig + MESSAGE, "ed._domainkey.example.org", record)
        self.assertEqual(out.returncode, 0, out.stdout_text + out.stderr_text)
        self.assertIn("dkim=pass d=example.org s=ed a=ed25519-sha256", out.stdout_text)

    def test_unsigned_message(self):
        out = self.server.run("dkim", "verify", input=MESSAGE)
        self.assertEqual(out.returncode, 1)
        self.assertIn("dkim=none", out.stdout_text)


if __name__ == "__main__":
    unittest.main()
