#!/usr/bin/env python3
"""Local delivery throughput: `postamt deliver` vs Dovecot's `dovecot-lda` into a Maildir with
mail_fsync=always, same machine, same run, one process per message for both (as an MTA runs an LDA).
Prints messages/s for 4 KB and 1 MB messages and the ratio postamt/dovecot (higher is better)."""
import argparse
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time

DOVECOT_LDA = "/usr/lib/dovecot/dovecot-lda"


def make_message(size):
    head = ("From: Bench Sender <sender@example.test>\r\nTo: demo@example.test\r\n"
            "Subject: bench message\r\nMessage-ID: <bench@example.test>\r\n"
            "Date: Tue, 24 Nov 2026 12:00:00 +0000\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=us-ascii\r\n\r\n")
    line = "The quick brown fox jumps over the lazy dog, again and again and again.\r\n"
    body = line * ((size - len(head)) // len(line) + 1)
    return (head + body)[:size].encode()


def unique(msg, i):
    """Every delivered message differs (its Message-ID), so content-addressed storage cannot skip
    writing a file that is already there."""
    return msg.replace(b"<bench@example.test>", f"<{i:08d}@example.test>".encode(), 1)


_seq = [0]


def run_many(cmd, msg, count, env=None, preexec=None):
    start = time.perf_counter()
    for _ in range(count):
        _seq[0] += 1
        p = subprocess.run(cmd, input=unique(msg, _seq[0]), env=env, preexec_fn=preexec,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if p.returncode != 0:
            sys.exit(f"bench: {cmd[0]} failed ({p.returncode}): {p.stderr.decode(errors='replace')[:300]}")
    return time.perf_counter() - start


def postamt_setup(binary, work):
    data = os.path.join(work, "postamt")
    subprocess.run([binary, "init", data, "--hostname", "bench.test", "--domain", "example.test",
                    "--port-offset", "30000"], check=True, stdout=subprocess.DEVNULL)
    conf = os.path.join(data, "postamt.toml")
    subprocess.run([binary, "user", "add", "-c", conf, "demo@example.test", "--password-stdin"],
                   input=b"bench-password\n", check=True, stdout=subprocess.DEVNULL)
    return conf


def dovecot_setup(work):
    root = os.path.join(work, "dovecot")
    for d in ("run", "state", "home"):
        os.makedirs(os.path.join(root, d))
    conf = os.path.join(root, "dovecot.conf")
    with open(conf, "w") as f:
        f.write(f"base_dir = {root}/run\nstate_dir = {root}/state\nlog_path = /dev/null\n"
                f"ssl = no\nprotocols =\nmail_location = maildir:{root}/home/Maildir\n"
                "mail_fsync = always\n")
    nobody = pwd.getpwnam("nobody")
    if os.getuid() == 0:  # dovecot-lda as root insists on -d (an auth server); run it as nobody instead
        os.chmod(work, 0o755)
        for dirpath, _, _ in os.walk(root):
            os.chown(dirpath, nobody.pw_uid, nobody.pw_gid)
        os.chown(conf, nobody.pw_uid, nobody.pw_gid)

        def preexec():
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
    else:
        preexec = None
    env = dict(os.environ, HOME=f"{root}/home", USER=pwd.getpwuid(os.getuid()).pw_name
               if os.getuid() != 0 else "nobody")
    return [DOVECOT_LDA, "-c", conf, "-f", "sender@example.test"], env, preexec


def rows(binary, work, count_small, count_large):
    """[(label, postamt msg/s, dovecot msg/s)] for 4 KB and 1 MB messages."""
    pconf = postamt_setup(binary, work)
    pcmd = [binary, "deliver", "-c", pconf, "--to", "demo@example.test", "--from", "sender@example.test"]
    dcmd, denv, dpre = dovecot_setup(work)
    out = []
    for label, size, count in (("deliver 4 KB", 4096, count_small), ("deliver 1 MB", 1 << 20, count_large)):
        msg = make_message(size)
        run_many(pcmd, msg, 3)  # warm caches
        run_many(dcmd, msg, 3, denv, dpre)
        # Alternate in chunks so that a change of machine load during the run skews both alike.
        chunk = max(1, count // 5)
        pt = dt = 0.0
        for _ in range(count // chunk):
            pt += run_many(pcmd, msg, chunk)
            dt += run_many(dcmd, msg, chunk, denv, dpre)
        n = chunk * (count // chunk)
        out.append((label, n / pt, n / dt))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--postamt", required=True)
    ap.add_argument("--count-small", type=int, default=300)
    ap.add_argument("--count-large", type=int, default=40)
    args = ap.parse_args()
    if not os.path.exists(DOVECOT_LDA):
        sys.exit("bench: dovecot-lda missing (scripts/install-deps.sh bench installs dovecot-core)")
    work = tempfile.mkdtemp(prefix="postamt-bench-", dir="/var/tmp")
    try:
        print(f"{'benchmark':<16} {'postamt msg/s':>14} {'dovecot msg/s':>14} {'ratio':>7}")
        for label, p, d in rows(args.postamt, work, args.count_small, args.count_large):
            print(f"{label:<16} {p:>14.1f} {d:>14.1f} {p / d:>6.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
