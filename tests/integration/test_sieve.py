"""`postamt sieve` script management: put/get/list/activate/deactivate/delete/rename per user, one
active script, RFC 5804 rules (the active script cannot be deleted, rename keeps it active)."""
import unittest

from harness import Postamt

SCRIPT = ('require ["fileinto", "imap4flags"];\r\n'
          'if header :contains "subject" "[tc]" { addflag "$Technik"; fileinto "INBOX.KNF.Technik"; }\r\n'
          'elsif header :contains "subject" "ADV:" { discard; }\r\n')


class SieveCliTest(unittest.TestCase):
    def setUp(self):
        self.server = Postamt()
        self.server.add_user("demo@example.test", "pw-demo-1")
        self.server.add_user("other@example.test", "pw-other-1")

    def tearDown(self):
        self.server.cleanup()

    def sieve(self, *args, input=None):
        return self.server.cli("sieve", args[0], "--user", "demo@example.test", *args[1:], input=input)

    def test_put_get_list_activate(self):
        self.assertEqual(self.sieve("put", "main", input=SCRIPT).returncode, 0)
        self.assertEqual(self.sieve("put", "spare", input="keep;\r\n").returncode, 0)
        got = self.sieve("get", "main")
        self.assertEqual(got.returncode, 0, got.stderr_text)
        self.assertEqual(got.stdout, SCRIPT.encode())
        self.assertEqual(self.sieve("list").stdout_text.splitlines(),
                         [f"main size={len(SCRIPT)}", "spare size=7"])
        self.assertEqual(self.sieve("activate", "main").returncode, 0)
        self.assertEqual(self.sieve("activate", "spare").returncode, 0)
        self.assertEqual(self.sieve("list").stdout_text.splitlines(),
                         [f"main size={len(SCRIPT)}", "spare ACTIVE size=7"])
        # Scripts belong to one user.
        other = self.server.cli("sieve", "list", "--user", "other@example.test")
        self.assertEqual((other.returncode, other.stdout_text), (0, ""))

    def test_delete_and_rename_rules(self):
        self.sieve("put", "a", input="keep;")
        self.sieve("activate", "a")
        p = self.sieve("delete", "a")
        self.assertEqual(p.returncode, 65)
        self.assertIn("active", p.stderr_text)
        self.assertEqual(self.sieve("rename", "a", "b").returncode, 0)
        self.assertEqual(self.sieve("list").stdout_text, "b ACTIVE size=5\n")
        self.assertEqual(self.sieve("deactivate").returncode, 0)
        self.assertEqual(self.sieve("delete", "b").returncode, 0)
        self.assertEqual(self.sieve("list").stdout_text, "")
        self.assertEqual(self.sieve("get", "b").returncode, 66)
        self.assertEqual(self.sieve("activate", "b").returncode, 65)

    def test_usage_and_unknown_user(self):
        self.assertEqual(self.server.cli("sieve", "list", "--user", "nobody@example.test").returncode, 67)
        self.assertEqual(self.sieve("frobnicate", "x").returncode, 64)
        self.assertEqual(self.sieve("put").returncode, 64)
        self.assertEqual(self.sieve("put", "bad\x01name", input="keep;").returncode, 65)


if __name__ == "__main__":
    unittest.main()
