"""Concurrent SMTP deliveries go through the group commit (one directory fsync and one index commit
per account for a whole batch): every accepted message is stored exactly once, fsck stays clean."""
import re
import smtplib
import threading
import unittest

from harness import Postamt

SENDERS = 12
PER_SENDER = 6


class GroupCommitTest(unittest.TestCase):
    def setUp(self):
        self.server = Postamt()
        for user in ("anna@example.test", "bert@example.test"):
            self.server.add_user(user, "pw-" + user)
        with open(self.server.config) as f:
            text = f.read()
        with open(self.server.config, "w") as f:
            f.write(re.sub(r'(?m)^log_level = .*$', 'log_level = "debug"', text))
        self.server.start()

    def tearDown(self):
        self.server.cleanup()

    def test_concurrent_deliveries_are_all_stored_once(self):
        errors = []

        def send(n):
            try:
                with smtplib.SMTP("127.0.0.1", self.server.port("smtp"), timeout=60) as s:
                    for i in range(PER_SENDER):
                        body = (f"From: s{n}@example.org\r\nSubject: m{n}-{i}\r\nMessage-ID: <{n}.{i}@x>\r\n\r\n"
                                + "line\r\n" * 50)
                        s.sendmail(f"s{n}@example.org", ["anna@example.test", "bert@example.test"], body)
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))

        threads = [threading.Thread(target=send, args=(n,)) for n in range(SENDERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        total = SENDERS * PER_SENDER
        for user in ("anna@example.test", "bert@example.test"):
            out = self.server.cli("mailbox", "list", user, check=True).stdout_text
            self.assertRegex(out, rf"(?m)^INBOX messages={total} ")
        fsck = self.server.cli("fsck")
        self.assertEqual(fsck.returncode, 0, fsck.stdout_text)
        self.assertIn(f"{2 * total} messages, {2 * total} files, 0 problems", fsck.stdout_text)
        batches = [int(m) for m in re.findall(r"event=group_commit messages=(\d+)", self.server.server_log())]
        print(f"\ngroup commit: {len(batches)} batches of >1 message, largest {max(batches, default=1)}")


if __name__ == "__main__":
    unittest.main()
