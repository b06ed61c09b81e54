"""Sieve differential test driver: runs every script in scripts/ against every message in messages.toml
through `postamt sieve test` and Pigeonhole's `sieve-test`, maps both outputs onto one action vocabulary
and compares them, allowing only the differences listed in deviations.toml.

Run standalone for a report:  POSTAMT_BIN=build/postamt python3 tests/sieve_differential/differential.py
(exit 1 when an unlisted difference or a stale deviation exists). The integration test
tests/integration/test_sieve_differential.py uses the same functions.
"""
import fnmatch
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
DEFAULT_FROM = "sender@example.org"
DEFAULT_TO = "me@example.com"
SIEVE_TEST = shutil.which("sieve-test") or ("/usr/bin/sieve-test" if os.path.exists("/usr/bin/sieve-test") else None)

# Pigeonhole's configuration: the extensions postamt has (ereject excepted, Pigeonhole has none),
# spamtest/virustest from the test messages' headers, vacation periods as postamt's defaults.
DOVECOT_CONF = """\
mail_location = maildir:{root}/mail
{uid_lines}
plugin {{
  sieve = file:{root}/personal;active={root}/active.sieve
  sieve_global = {root}/global
  sieve_extensions = +vacation-seconds +editheader +spamtest +spamtestplus +virustest
  sieve_spamtest_status_type = score
  sieve_spamtest_status_header = X-Spam-Score: (-?[[:digit:]]+(\\.[[:digit:]]+)?)
  sieve_spamtest_max_value = 10
  sieve_virustest_status_type = text
  sieve_virustest_status_header = X-Virus-Status
  sieve_virustest_text_value1 = clean
  sieve_virustest_text_value5 = infected
  sieve_vacation_min_period = 1d
  sieve_vacation_max_period = 90d
  sieve_vacation_default_period = 7d
}}
"""


def load_messages():
    with open(HERE / "messages.toml", "rb") as f:
        table = tomllib.load(f)["message"]
    out = {}
    for name, m in table.items():
        out[name] = {
            "path": TESTS / m["path"],
            "from": m.get("from", DEFAULT_FROM),
            "to": m.get("to", DEFAULT_TO),
            "spamtest": m.get("spamtest", 0),
            "spamtest_percent": m.get("spamtest_percent", 0),
            "virustest": m.get("virustest", 0),
        }
    return out


def load_scripts():
    return sorted(p.stem for p in (HERE / "scripts").glob("*.sieve"))


def load_deviations():
    with open(HERE / "deviations.toml", "rb") as f:
        return tomllib.load(f).get("deviation", [])


# --- normalisation ----------------------------------------------------------------------------
# One vocabulary for both tools, a sorted list of lines:
#   store MAILBOX [flags f1 f2]   (keep = store INBOX; flags lower-cased and sorted, IMAP flags are
#                                 case-insensitive; the same mailbox twice is one store, RFC 5228 §2.10.3)
#   redirect ADDRESS | discard | reject REASON | vacation seconds=N
#   compile-error | runtime-error


def _store(mailbox, flags):
    line = "store " + mailbox
    if flags:
        line += " flags " + " ".join(sorted({f.lower() for f in flags}))
    return line


def _finish(stores, others):
    seen, lines = set(), []
    for mailbox, flags in stores:
        if mailbox in seen:
            continue
        seen.add(mailbox)
        lines.append(_store(mailbox, flags))
    return sorted(lines + others)


_QUOTED = r'"((?:[^"\\]|\\.)*)"'


def _unquote(s):
    return re.sub(r"\\(.)", r"\1", s)


def normalise_postamt(returncode, stdout, stderr):
    if returncode == 65:
        return ["compile-error"]
    if returncode != 0:
        return [f"tool-failure {returncode}: {stderr.strip()[:200]}"]
    stores, others, error = [], [], False
    for line in stdout.splitlines():
        flags = []
        if " flags " in line or line.startswith("keep flags"):
            line, _, fl = line.partition(" flags")
            flags = fl.split()
        line = line.removesuffix(" :copy")
        if line.startswith("error "):
            error = True
        elif line == "keep":
            stores.append(("INBOX", flags))
        elif m := re.fullmatch(r"fileinto " + _QUOTED, line):
            stores.append((_unquote(m.group(1)), flags))
        elif m := re.fullmatch(r"redirect " + _QUOTED, line):
            others.append("redirect " + _unquote(m.group(1)).lower())
        elif line == "discard":
            others.append("discard")
        elif m := re.fullmatch(r"e?reject " + _QUOTED, line):
            others.append("reject " + _unquote(m.group(1)))
        elif m := re.fullmatch(r"vacation to " + _QUOTED + " subject " + _QUOTED + r" seconds (\d+)", line):
            others.append(f"vacation seconds={m.group(3)}")
        else:
            others.append("unparsed " + line)
    if error:
        others.append("runtime-error")
    return _finish(stores, others)


def normalise_pigeonhole(returncode, stdout, stderr):
    text = stdout + stderr
    if "failed to compile sieve script" in text or "validation failed" in text:
        return ["compile-error"]
    if returncode != 0:
        return [f"tool-failure {returncode}: {stderr.strip()[:200]}"]
    stores, others = [], []
    current = None  # the store whose "+ add IMAP flags" lines follow
    section = None
    for raw in stdout.splitlines():
        line = raw.strip()
        if line.startswith("Performed actions"):
            section = "performed"
        elif line.startswith("Implicit keep"):
            section = "implicit"
        elif section and line.startswith("* "):
            item = raw.lstrip()[2:]  # a mailbox name may end in spaces
            current = None
            if item.startswith("store message in folder: "):
                current = [item[len("store message in folder: "):], []]
                stores.append(current)
            elif item.startswith("keep"):
                current = ["INBOX", []]
                stores.append(current)
            elif item.startswith("redirect message to: "):
                others.append("redirect " + item[len("redirect message to: "):].strip("<>").lower())
            elif item == "discard":
                others.append("discard")
            elif item.startswith("reject message with reason: "):
                others.append("reject " + item[len("reject message with reason: "):])
            elif item.startswith("track duplicate"):
                pass  # RFC 7352 bookkeeping, not an action (postamt returns it in Result::duplicate_ids)
            elif item.startswith("send vacation message"):
                others.append("vacation")
            else:
                others.append("unparsed " + item)
        elif line.startswith("+ add IMAP flags:") and current is not None:
            current[1].extend(line.split(":", 1)[1].split())
        elif line.startswith("=> seconds") and others and others[-1] == "vacation":
            others[-1] = "vacation seconds=" + line.split(":", 1)[1].strip()
    for line in text.splitlines():
        if re.search(r"(^|: )error: ", line) and "msgid=" not in line or "runtime error" in line.lower():
            others.append("runtime-error")
            break
    return _finish([tuple(s) for s in stores], others)


# --- running ------------------------------------------------------------------------------------


class Workspace:
    """A temporary tree Pigeonhole may write to: scripts (it stores compiled .svbin files beside
    them), includes, a maildir and dovecot.conf. As root, sieve-test must drop to an unprivileged
    mail user, so the tree belongs to nobody then."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="sievediff-"))
        shutil.copytree(HERE / "scripts", self.root / "scripts")
        shutil.copytree(HERE / "include" / "personal", self.root / "personal")
        shutil.copytree(HERE / "include" / "global", self.root / "global")
        uid_lines = ""
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            uid_lines = f"mail_uid = {nobody.pw_uid}\nmail_gid = {nobody.pw_gid}\n"
        (self.root / "dovecot.conf").write_text(DOVECOT_CONF.format(root=self.root, uid_lines=uid_lines))
        if os.geteuid() == 0:
            for dirpath, dirnames, filenames in os.walk(self.root):
                for n in [dirpath] + [os.path.join(dirpath, x) for x in dirnames + filenames]:
                    os.chown(n, nobody.pw_uid, nobody.pw_gid)
        os.chmod(self.root, 0o755)
        self.messages_dir = self.root / "messages"
        self.messages_dir.mkdir()
        os.chmod(self.messages_dir, 0o755)

    def message_copy(self, name, path):
        dst = self.messages_dir / (name + ".eml")
        if not dst.exists():
            shutil.copyfile(path, dst)
            os.chmod(dst, 0o644)
        return dst

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


def _env():
    env = dict(os.environ)
    env["TZ"] = "UTC"  # date tests without :zone use the local zone (RFC 5260 §4.1); one zone for both
    env["HOME"] = "/tmp"
    return env


def run_postamt(binary, ws, script, msg_name, msg):
    cmd = [binary, "sieve", "test", str(ws.root / "scripts" / (script + ".sieve")), str(msg["path"]),
           "--envelope-from", msg["from"], "--envelope-to", msg["to"],
           "--include-dir", str(ws.root / "personal"), "--global-dir", str(ws.root / "global"),
           "--spamtest", str(msg["spamtest"]),
           "--spamtest-percent", str(msg["spamtest_percent"]), "--virustest", str(msg["virustest"])]
    p = subprocess.run(cmd, capture_output=True, text=True, env=_env(), timeout=60)
    return normalise_postamt(p.returncode, p.stdout, p.stderr), p.stdout + p.stderr


def run_pigeonhole(ws, script, msg_name, msg):
    eml = ws.message_copy(msg_name, msg["path"])
    # sieve-test cannot take a null reverse-path (-f "" and -f "<>" are refused); without -f it takes
    # Return-Path, Sender or From instead (deviation "null-sender" in deviations.toml).
    sender = ["-f", msg["from"]] if msg["from"] else []
    cmd = [SIEVE_TEST, "-c", str(ws.root / "dovecot.conf"), "-C", *sender, "-a", msg["to"], "-r", msg["to"],
           str(ws.root / "scripts" / (script + ".sieve")), str(eml)]
    p = subprocess.run(cmd, capture_output=True, text=True, env=_env(), timeout=60)
    return normalise_pigeonhole(p.returncode, p.stdout, p.stderr), p.stdout + p.stderr


def compare_all(binary, workers=2):
    """Returns (pairs compared, differences as dicts with script/message/ours/theirs/raw outputs)."""
    scripts, messages = load_scripts(), load_messages()
    ws = Workspace()
    try:
        for name, msg in messages.items():
            ws.message_copy(name, msg["path"])
        jobs = [(s, m) for s in scripts for m in messages]

        def one(job):
            s, m = job
            ours, ours_raw = run_postamt(binary, ws, s, m, messages[m])
            theirs, theirs_raw = run_pigeonhole(ws, s, m, messages[m])
            return {"script": s, "message": m, "ours": ours, "theirs": theirs,
                    "ours_raw": ours_raw, "theirs_raw": theirs_raw}

        # sieve-test compiles each script to a .svbin beside it: one script at a time per worker.
        by_script = {}
        for s, m in jobs:
            by_script.setdefault(s, []).append((s, m))
        results = []
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for chunk in pool.map(lambda js: [one(j) for j in js], by_script.values()):
                results.extend(chunk)
        diffs = [r for r in results if r["ours"] != r["theirs"]]
        return len(jobs), diffs
    finally:
        ws.cleanup()


def classify(diffs, deviations):
    """Splits differences into (accepted, unlisted) and returns the deviations that matched none."""
    used = [0] * len(deviations)
    accepted, unlisted = [], []
    for d in diffs:
        hit = None
        for i, dev in enumerate(deviations):
            if any(fnmatch.fnmatchcase(d["script"], p) for p in dev.get("scripts", ["*"])) and \
               any(fnmatch.fnmatchcase(d["message"], p) for p in dev.get("messages", ["*"])):
                hit = i
                break
        if hit is None:
            unlisted.append(d)
        else:
            used[hit] += 1
            accepted.append((d, deviations[hit]))
    stale = [dev for dev, n in zip(deviations, used) if n == 0]
    return accepted, unlisted, stale


def format_diff(d, verbose=False):
    out = f"{d['script']} x {d['message']}:\n  postamt:    {d['ours']}\n  pigeonhole: {d['theirs']}\n"
    if verbose:
        out += "  --- postamt output\n" + d["ours_raw"] + "  --- sieve-test output\n" + d["theirs_raw"]
    return out


def main():
    binary = os.environ.get("POSTAMT_BIN")
    if not binary or not SIEVE_TEST:
        print("need POSTAMT_BIN and sieve-test (Debian dovecot-sieve)", file=sys.stderr)
        return 2
    total, diffs = compare_all(binary)
    accepted, unlisted, stale = classify(diffs, load_deviations())
    verbose = "-v" in sys.argv
    for d in unlisted:
        print("UNLISTED " + format_diff(d, verbose))
    if "--all" in sys.argv:
        for d, dev in accepted:
            print(f"ACCEPTED ({dev['id']}) " + format_diff(d, verbose))
    counts = {}
    for _, dev in accepted:
        counts[dev["id"]] = counts.get(dev["id"], 0) + 1
    for dev_id, n in sorted(counts.items()):
        print(f"documented {dev_id}: {n} pairs")
    for dev in stale:
        print(f"STALE deviation {dev['id']}: matches no difference")
    print(f"{total} script x message pairs, {len(diffs)} differences: {len(accepted)} documented, "
          f"{len(unlisted)} unlisted; {len(stale)} stale deviations")
    return 1 if unlisted or stale else 0


if __name__ == "__main__":
    sys.exit(main())
