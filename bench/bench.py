#!/usr/bin/env python3
"""`make bench`: every benchmark, postamt against Debian's Dovecot in the same run, printed as one table
`benchmark | postamt | dovecot | ratio` where ratio > 1 means postamt is better (faster, quicker,
smaller). Rows: local delivery (deliver_bench.py) and the server rows (server_bench.py)."""
import argparse
import os
import resource
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import deliver_bench  # noqa: E402
import server_bench  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--postamt", required=True)
    ap.add_argument("--tool", required=True, help="the imap_load binary")
    ap.add_argument("--count-small", type=int, default=300, help="deliver 4 KB: messages")
    ap.add_argument("--count-large", type=int, default=40, help="deliver 1 MB: messages")
    ap.add_argument("--lmtp-messages", type=int, default=2000)
    ap.add_argument("--lmtp-senders", type=int, nargs="+", default=[10, 100])
    ap.add_argument("--pop3-messages", type=int, default=1000)
    ap.add_argument("--users", type=int, default=50, help="IMAP mix: concurrent users")
    ap.add_argument("--seconds", type=int, default=20, help="IMAP mix: measured seconds")
    ap.add_argument("--idle", type=int, default=10000, help="idle IMAP connections to postamt")
    ap.add_argument("--idle-dovecot", type=int, default=10000, help="idle IMAP connections to Dovecot")
    ap.add_argument("--reps", type=int, default=2, help="server rows: alternating rounds per server")
    ap.add_argument("--only", choices=["deliver", "server", "imap"],
                    help="run one group of rows (imap: only the IMAP mix and idle rows, mailboxes filled untimed)")
    args = ap.parse_args()
    if not os.path.exists(deliver_bench.DOVECOT_LDA) or not shutil.which("dovecot"):
        sys.exit("bench: Dovecot missing (scripts/install-deps.sh bench installs it)")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 2 * max(args.idle, args.idle_dovecot) + 1000) if hard != resource.RLIM_INFINITY else \
        2 * max(args.idle, args.idle_dovecot) + 1000
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), hard))  # inherited by servers and tool
    limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 200
    if args.idle > limit or args.idle_dovecot > limit:
        server_bench.log(f"open-file limit {limit + 200}: idle connections capped at {limit}")
        args.idle, args.idle_dovecot = min(args.idle, limit), min(args.idle_dovecot, limit)
    work = tempfile.mkdtemp(prefix="postamt-bench-", dir="/var/tmp")
    table = []
    try:
        if args.only in (None, "deliver"):
            for label, p, d in deliver_bench.rows(args.postamt, work, args.count_small, args.count_large):
                table.append((label + " (msg/s)", p, d, "higher"))
        if args.only in (None, "server", "imap"):
            table += server_bench.rows(args.tool, args.postamt, work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    width = max(len(r[0]) for r in table) + 2
    print(f"{'benchmark':<{width}} {'postamt':>10} {'dovecot':>10} {'ratio':>8}")
    for label, p, d, better in table:
        if better == "higher" and d:
            ratio = f"{p / d:.2f}x"
        elif better == "lower" and p:
            ratio = f"{d / p:.2f}x"
        else:
            ratio = ""
        print(f"{label:<{width}} {p:>10.1f} {d:>10.1f} {ratio:>8}")
    print("ratio: how many times better postamt is (throughput postamt/dovecot; time, latency and "
          "memory dovecot/postamt)")


if __name__ == "__main__":
    main()
