"""Sieve differential test (issue 6): every script of tests/sieve_differential/scripts × every message of
tests/sieve_differential/messages.toml through `postamt sieve test` and Pigeonhole's `sieve-test`; the
normalised actions must agree except for the differences listed, with their reasons, in
tests/sieve_differential/deviations.toml (docs/sieve-pigeonhole.md explains them)."""
import os
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "sieve_differential"))
import differential  # noqa: E402

BINARY = os.environ.get("POSTAMT_BIN")


@unittest.skipUnless(differential.SIEVE_TEST, "sieve-test not installed (Debian dovecot-sieve; "
                     "scripts/install-deps.sh test installs it)")
@unittest.skipUnless(BINARY, "POSTAMT_BIN not set")
class SieveDifferentialTest(unittest.TestCase):
    def test_normalisers_share_one_vocabulary(self):
        ours = differential.normalise_postamt(
            0, 'fileinto "A" :copy flags \\Seen $x\nredirect "B@Example.net"\nkeep\n', "")
        theirs = differential.normalise_pigeonhole(
            0, "\nPerformed actions:\n\n * store message in folder: A\n        + add IMAP flags: $x \\seen\n"
               " * redirect message to: <b@example.net>\n\nImplicit keep:\n\n * store message in folder: INBOX\n",
            "sieve-test: Info: final result: success\n")
        self.assertEqual(ours, theirs)
        self.assertEqual(ours, ["redirect b@example.net", "store A flags $x \\seen", "store INBOX"])
        self.assertEqual(differential.normalise_postamt(65, "", "1:1: unknown command"), ["compile-error"])

    def test_script_errors_carry_line_and_column(self):
        # Upload checks (issue 6): unknown commands, extensions not required, wrong argument types.
        import re
        import subprocess
        scripts = sorted((differential.HERE / "scripts").glob("err_*.sieve"))
        self.assertGreaterEqual(len(scripts), 8)
        msg = differential.HERE / "messages" / "plain.eml"
        for script in scripts:
            p = subprocess.run([BINARY, "sieve", "test", str(script), str(msg)], capture_output=True, text=True)
            self.assertEqual(p.returncode, 65, f"{script.name}: {p.stdout}{p.stderr}")
            self.assertRegex(p.stderr, re.compile(r"^\d+:\d+: \S", re.M), script.name)

    def test_scripts_times_messages_agree_with_pigeonhole(self):
        total, diffs = differential.compare_all(BINARY)
        deviations = differential.load_deviations()
        for dev in deviations:
            self.assertTrue(dev.get("id") and dev.get("reason"), f"deviation without id or reason: {dev}")
        accepted, unlisted, stale = differential.classify(diffs, deviations)
        print(f"\nsieve differential: {total} pairs, {len(diffs)} differences, {len(accepted)} documented, "
              f"{len(unlisted)} unlisted, {len(stale)} stale deviations", file=sys.stderr)
        self.assertGreaterEqual(total, 40 * 10)
        self.assertEqual(unlisted, [], "differences not in deviations.toml:\n" +
                         "\n".join(differential.format_diff(d, verbose=True) for d in unlisted[:10]))
        self.assertEqual([d["id"] for d in stale], [], "deviations that no longer occur: remove them")


if __name__ == "__main__":
    unittest.main()
