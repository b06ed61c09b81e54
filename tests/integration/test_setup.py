"""`postamt init`, `check-config` and the directory commands (domain, user, alias), run as an admin
would run them: one-line errors, sysexits codes, nothing half-made left behind."""
import os
import re
import subprocess
import tempfile
import unittest

from harness import BIN, Postamt


def read(path):
    with open(path) as f:
        return f.read()


def run(*args, input=None):
    p = subprocess.run([BIN, *args], input=input.encode() if isinstance(input, str) else input,
                       capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


class InitTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="postamt-init-")
        self.dir = os.path.join(self.tmp.name, "var")

    def tearDown(self):
        self.tmp.cleanup()

    def test_init_creates_data_directory_and_prints_password_once(self):
        code, out, err = run("init", self.dir, "--hostname", "mail.example.test",
                             "--user", "demo@example.test", "--port-offset", "10000")
        self.assertEqual(code, 0, err)
        for f in ("postamt.toml", "tls/ca.crt", "tls/ca.key", "tls/server.crt", "tls/server.key", "postamt.sqlite"):
            self.assertTrue(os.path.exists(os.path.join(self.dir, f)), f)
        self.assertEqual(os.stat(os.path.join(self.dir, "tls/server.key")).st_mode & 0o077, 0)
        m = re.search(r"user demo@example.test password: (\S+)", out)
        self.assertIsNotNone(m, out)
        cfg = os.path.join(self.dir, "postamt.toml")
        code, out2, err = run("check-config", "-c", cfg)
        self.assertEqual(code, 0, err)
        code, out3, _ = run("user", "list", "-c", cfg)
        self.assertIn("demo@example.test", out3)
        code, out4, _ = run("domain", "list", "-c", cfg)
        self.assertIn("example.test", out4)
        # Every key of the default file is commented with its default, listeners use the offset.
        text = read(cfg)
        self.assertIn("10025", text)
        self.assertIn("10993", text)

    def test_init_refuses_to_overwrite(self):
        self.assertEqual(run("init", self.dir, "--hostname", "h.test")[0], 0)
        before = read(os.path.join(self.dir, "postamt.toml"))
        code, _, err = run("init", self.dir, "--hostname", "other.test")
        self.assertNotEqual(code, 0)
        self.assertIn("refusing to overwrite", err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertEqual(read(os.path.join(self.dir, "postamt.toml")), before)

    def test_init_requires_hostname(self):
        code, _, err = run("init", self.dir)
        self.assertEqual(code, 64)
        self.assertIn("--hostname", err)
        self.assertFalse(os.path.exists(self.dir))


class ConfigErrorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Postamt()

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def broken(self, transform):
        text = read(self.server.config)
        path = os.path.join(self.server.data, "broken.toml")
        with open(path, "w") as f:
            f.write(transform(text))
        return path

    def assert_one_line_error(self, path, pattern):
        code, out, err = run("check-config", "-c", path)
        self.assertEqual(code, 78, err)
        lines = err.strip().splitlines()
        self.assertEqual(len(lines), 1, err)
        self.assertRegex(lines[0], pattern)
        # serve refuses the same config with the same reason and starts nothing.
        code2, _, err2 = run("serve", "-c", path)
        self.assertEqual(code2, 78, err2)
        self.assertIn(lines[0].split(": ", 1)[1], err2)
        return lines[0]

    def test_unknown_key_is_an_error_with_its_line(self):
        path = self.broken(lambda t: t.replace("[limits]", "[limits]\nmax_mesage_size = 10", 1))
        lineno = read(path).splitlines().index("max_mesage_size = 10") + 1
        line = self.assert_one_line_error(path, r"broken\.toml:\d+: .*max_mesage_size")
        self.assertIn(f"broken.toml:{lineno}:", line)

    def test_bad_port(self):
        path = self.broken(lambda t: re.sub(r"port = \d+", "port = 70000", t, count=1))
        self.assert_one_line_error(path, r"broken\.toml:\d+: .*port")

    def test_syntax_error(self):
        path = self.broken(lambda t: t + "\n[server\n")
        self.assert_one_line_error(path, r"broken\.toml:\d+: ")

    def test_missing_certificate_file(self):
        path = self.broken(lambda t: t.replace("tls/server.crt", "tls/missing.crt"))
        self.assert_one_line_error(path, r"missing\.crt")

    def test_missing_config_file(self):
        code, _, err = run("check-config", "-c", os.path.join(self.server.tmp, "nope.toml"))
        self.assertEqual(code, 78)
        self.assertIn("nope.toml", err)


class DirectoryCommandsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Postamt()

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def test_domains(self):
        s = self.server
        self.assertEqual(s.cli("domain", "add", "second.test").returncode, 0)
        self.assertIn("second.test", s.cli("domain", "list").stdout_text)
        self.assertEqual(s.cli("domain", "del", "second.test").returncode, 0)
        self.assertNotIn("second.test", s.cli("domain", "list").stdout_text)

    def test_user_add_needs_a_local_domain(self):
        p = self.server.cli("user", "add", "x@unknown.test", "--password-stdin", input="pw\n")
        self.assertEqual(p.returncode, 65, p.stderr_text)
        self.assertEqual(len(p.stderr_text.strip().splitlines()), 1)
        self.assertNotIn("x@unknown.test", self.server.cli("user", "list").stdout_text)

    def test_user_lifecycle_and_generated_password(self):
        s = self.server
        p = s.cli("user", "add", "gen@example.test")
        self.assertEqual(p.returncode, 0, p.stderr_text)
        self.assertRegex(p.stdout_text, r"password: \S{12,}")
        self.assertIn("gen@example.test", s.cli("user", "list").stdout_text)
        self.assertEqual(s.cli("user", "passwd", "gen@example.test", "--password-stdin",
                               input="new-secret\n").returncode, 0)
        self.assertEqual(s.cli("user", "del", "gen@example.test").returncode, 0)
        self.assertNotIn("gen@example.test", s.cli("user", "list").stdout_text)
        self.assertEqual(s.cli("user", "del", "gen@example.test").returncode, 67)

    def test_password_never_in_output_when_given(self):
        p = self.server.cli("user", "add", "quiet@example.test", "--password-stdin", input="S3cret-value\n")
        self.assertEqual(p.returncode, 0, p.stderr_text)
        self.assertNotIn("S3cret-value", p.stdout_text + p.stderr_text)
        with open(os.path.join(self.server.data, "postamt.sqlite"), "rb") as f:
            self.assertNotIn(b"S3cret-value", f.read())

    def test_aliases_deliver_to_their_targets(self):
        s = self.server
        s.add_user("anna@example.test", "pw-anna-1")
        s.add_user("bert@example.test", "pw-bert-1")
        self.assertEqual(s.cli("alias", "add", "team@example.test", "anna@example.test",
                               "bert@example.test").returncode, 0)
        self.assertIn("team@example.test", s.cli("alias", "list").stdout_text)
        msg = "From: a@b.test\r\nSubject: team\r\n\r\nhello team\r\n"
        p = s.deliver("team@example.test", msg)
        self.assertEqual(p.returncode, 0, p.stderr_text)
        p = s.deliver("anna+lists@example.test", msg)
        self.assertEqual(p.returncode, 0, p.stderr_text)
        self.assertEqual(s.cli("alias", "del", "team@example.test").returncode, 0)
        self.assertEqual(s.deliver("team@example.test", msg).returncode, 67)
        # Catch-all
        self.assertEqual(s.cli("alias", "add", "@example.test", "anna@example.test").returncode, 0)
        self.assertEqual(s.deliver("whoever@example.test", msg).returncode, 0)
        self.assertEqual(s.cli("alias", "del", "@example.test").returncode, 0)


if __name__ == "__main__":
    unittest.main()
