"""`postamt deliver` as a local delivery agent: durable delivery (kill -9 right after exit 0, then
fsck clean), sysexits codes, and no partial state for unknown users, oversize or malformed mail."""
import os
import re
import signal
import subprocess
import unittest

from harness import BIN, Postamt

CORPUS = os.path.join(os.environ.get("POSTAMT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../..")),
                      "tests/corpus/mime")

SIMPLE = ("From: Alice <alice@example.org>\r\nTo: demo@example.test\r\nSubject: hello\r\n"
          "Message-ID: <1@example.org>\r\n\r\nHi there.\r\n")


def mailbox_status(server, user, mailbox="INBOX"):
    p = server.cli("mailbox", "list", user, check=True)
    for line in p.stdout_text.splitlines():
        fields = line.split()
        if fields and fields[0] == mailbox:
            return {k: int(v) for k, v in (f.split("=") for f in fields[1:] if "=" in f and f.split("=")[1].isdigit())}
    raise AssertionError(f"no mailbox {mailbox}: {p.stdout_text}")


def fsck(server, *extra):
    p = server.cli("fsck", *extra)
    m = re.search(r"fsck: (\d+) accounts, (\d+) messages, (\d+) files, (\d+) problems", p.stdout_text)
    assert m, p.stdout_text + p.stderr_text
    return p.returncode, {"accounts": int(m[1]), "messages": int(m[2]), "files": int(m[3]), "problems": int(m[4])}, p.stdout_text


class DeliverTest(unittest.TestCase):
    def setUp(self):
        self.server = Postamt()
        self.server.add_user("demo@example.test", "pw-demo-1")
        self.server.add_user("other@example.test", "pw-other-1")

    def tearDown(self):
        self.server.cleanup()

    def test_delivered_message_is_stored_byte_exact_with_return_path(self):
        p = self.server.deliver("demo@example.test", SIMPLE, sender="alice@example.org")
        self.assertEqual(p.returncode, 0, p.stderr_text)
        self.assertEqual(mailbox_status(self.server, "demo@example.test")["messages"], 1)
        code, counts, out = fsck(self.server)
        self.assertEqual(code, 0, out)
        self.assertEqual(counts["messages"], 1)
        blobs = []
        for root, _, files in os.walk(os.path.join(self.server.data, "accounts")):
            blobs += [os.path.join(root, f) for f in files if "blobs" in root]
        self.assertEqual(len(blobs), 1)
        with open(blobs[0], "rb") as f:
            data = f.read()
        self.assertEqual(data, b"Return-Path: <alice@example.org>\r\n" + SIMPLE.encode())

    def test_bare_lf_is_stored_as_crlf(self):
        p = self.server.deliver("demo@example.test", SIMPLE.replace("\r\n", "\n"))
        self.assertEqual(p.returncode, 0, p.stderr_text)
        self.assertEqual(fsck(self.server)[1]["messages"], 1)

    def test_mailbox_option_and_fallback_to_inbox(self):
        self.assertEqual(self.server.deliver("demo@example.test", SIMPLE, mailbox="Archive").returncode, 0)
        self.assertEqual(mailbox_status(self.server, "demo@example.test", "Archive")["messages"], 1)
        self.assertEqual(self.server.deliver("demo@example.test", SIMPLE, mailbox="NoSuchBox").returncode, 0)
        self.assertEqual(mailbox_status(self.server, "demo@example.test", "INBOX")["messages"], 1)

    def test_one_message_for_two_users_is_written_once(self):
        p = self.server.cli("deliver", "--to", "demo@example.test", "--to", "other@example.test", input=SIMPLE)
        self.assertEqual(p.returncode, 0, p.stderr_text)
        inodes = set()
        for root, _, files in os.walk(os.path.join(self.server.data, "accounts")):
            for f in files:
                if "blobs" in root:
                    inodes.add(os.stat(os.path.join(root, f)).st_ino)
        self.assertEqual(len(inodes), 1)
        self.assertEqual(fsck(self.server)[1]["messages"], 2)

    def assert_nothing_stored(self):
        code, counts, out = fsck(self.server)
        self.assertEqual(code, 0, out)
        self.assertEqual(counts["messages"], 0, out)
        self.assertEqual(counts["files"], 0, out)
        tmp = os.path.join(self.server.data, "tmp")
        self.assertEqual(os.listdir(tmp) if os.path.isdir(tmp) else [], [])

    def assert_one_line(self, p):
        self.assertEqual(len(p.stderr_text.strip().splitlines()), 1, p.stderr_text)

    def test_unknown_user_exits_67(self):
        p = self.server.deliver("nobody@example.test", SIMPLE)
        self.assertEqual(p.returncode, 67, p.stderr_text)
        self.assert_one_line(p)
        self.assertIn("nobody@example.test", p.stderr_text)
        self.assert_nothing_stored()

    def test_foreign_domain_exits_67(self):
        p = self.server.deliver("someone@elsewhere.test", SIMPLE)
        self.assertEqual(p.returncode, 67, p.stderr_text)
        self.assert_one_line(p)
        self.assert_nothing_stored()

    def test_oversize_message_exits_69(self):
        with open(self.server.config) as f:
            cfg = f.read()
        cfg = re.sub(r"(?m)^#?\s*max_message_size\s*=.*$", "max_message_size = 10000", cfg, count=1)
        with open(self.server.config, "w") as f:
            f.write(cfg)
        self.assertEqual(self.server.run("check-config", "-c", self.server.config).returncode, 0)
        big = SIMPLE + "x" * 20000 + "\r\n"
        p = self.server.deliver("demo@example.test", big)
        self.assertEqual(p.returncode, 69, p.stderr_text)
        self.assert_one_line(p)
        self.assertIn("max_message_size", p.stderr_text)
        self.assert_nothing_stored()

    def test_not_a_message_exits_65(self):
        for junk in [b"", b"\x00\x01\x02binary junk\r\n", b"no header line here\r\n\r\nbody\r\n"]:
            p = self.server.deliver("demo@example.test", junk)
            self.assertEqual(p.returncode, 65, (junk, p.stderr_text))
            self.assert_one_line(p)
        self.assert_nothing_stored()

    def test_mime_nested_beyond_limit_exits_65(self):
        depth = 200
        parts = ["From: a@b.test\r\nSubject: deep\r\n"]
        for i in range(depth):
            parts.append(f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n')
        parts.append("Content-Type: text/plain\r\n\r\nbottom\r\n")
        for i in reversed(range(depth)):
            parts.append(f"--b{i}--\r\n")
        p = self.server.deliver("demo@example.test", "".join(parts))
        self.assertEqual(p.returncode, 65, p.stderr_text)
        self.assert_one_line(p)
        self.assertIn("MIME", p.stderr_text)
        self.assert_nothing_stored()

    def test_broken_mime_from_the_wild_is_accepted(self):
        msg = ("From: a@b.test\r\nSubject: =?utf-8?q?caf=C3=A9?=\r\nContent-Type: multipart/mixed; "
               "boundary=\"never-closed\"\r\n\r\n--never-closed\r\nContent-Type: text/plain\r\n\r\ntext\r\n")
        p = self.server.deliver("demo@example.test", msg)
        self.assertEqual(p.returncode, 0, p.stderr_text)

    def test_real_world_corpus_is_delivered(self):
        if not os.path.isdir(CORPUS):
            self.skipTest("no corpus")
        names = sorted(os.path.join(root, f) for root, _, files in os.walk(CORPUS)
                       for f in files if f.endswith((".eml", ".msg")))
        self.assertGreater(len(names), 100)
        delivered = 0
        for name in names:
            with open(name, "rb") as f:
                data = f.read()
            p = self.server.deliver("demo@example.test", data)
            self.assertIn(p.returncode, (0, 65), p.stderr_text)
            delivered += p.returncode == 0
        code, counts, out = fsck(self.server)
        self.assertEqual(code, 0, out)
        self.assertEqual(counts["messages"], delivered)

    def test_survives_kill_9_right_after_exit_0(self):
        """Acknowledged deliveries survive SIGKILL of every postamt process; in-flight ones leave
        nothing visible; fsck is clean (after --repair removes what killed writers left)."""
        acknowledged = 0
        for i in range(10):
            msg = SIMPLE.replace("hello", f"hello {i}")
            # One acknowledged delivery, and several concurrent in-flight ones killed mid-way.
            victims = [subprocess.Popen([BIN, "deliver", "-c", self.server.config, "--to", "demo@example.test"],
                                        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL) for _ in range(3)]
            p = self.server.deliver("demo@example.test", msg)
            self.assertEqual(p.returncode, 0, p.stderr_text)
            acknowledged += 1
            for v in victims:
                v.stdin.write((msg + "x" * 100000).encode())
                v.stdin.close()
                v.send_signal(signal.SIGKILL)
                v.wait()
        # Killed writers either completed (then they count) or left no visible message.
        code, counts, out = fsck(self.server, "--repair")
        code, counts, out = fsck(self.server)
        self.assertEqual(code, 0, out)
        self.assertEqual(counts["problems"], 0, out)
        self.assertGreaterEqual(mailbox_status(self.server, "demo@example.test")["messages"], acknowledged)
        self.assertEqual(counts["messages"], mailbox_status(self.server, "demo@example.test")["messages"])


class FsckTest(unittest.TestCase):
    def setUp(self):
        self.server = Postamt()
        self.server.add_user("demo@example.test", "pw-demo-1")
        for i in range(3):
            self.assertEqual(self.server.deliver("demo@example.test", SIMPLE.replace("hello", f"m{i}")).returncode, 0)

    def tearDown(self):
        self.server.cleanup()

    def blobs(self):
        out = []
        for root, _, files in os.walk(os.path.join(self.server.data, "accounts")):
            out += [os.path.join(root, f) for f in files if "blobs" in root]
        return sorted(out)

    def test_detects_and_repairs(self):
        self.assertEqual(fsck(self.server)[0], 0)
        files = self.blobs()
        os.remove(files[0])
        with open(files[1], "ab") as f:
            f.write(b"tampered")
        stray = os.path.join(os.path.dirname(files[2]), "0" * 64)
        with open(stray, "wb") as f:
            f.write(b"Subject: stray\r\n\r\nx\r\n")
        code, counts, out = fsck(self.server)
        self.assertNotEqual(code, 0)
        self.assertIn("missing-file", out)
        self.assertRegex(out, r"size-mismatch|hash-mismatch")
        self.assertIn("orphan-file", out)
        code, counts, out = fsck(self.server, "--repair")
        self.assertEqual(code, 0, out)
        code, counts, out = fsck(self.server)
        self.assertEqual(code, 0, out)
        self.assertEqual(counts["problems"], 0)


if __name__ == "__main__":
    unittest.main()
