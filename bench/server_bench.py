#!/usr/bin/env python3
"""Server benchmarks: a running `postamt serve` against a standalone Dovecot (Debian) in a temp dir, same
machine, same run, driven by our C++ load generator (bench/imap_load):
  - LMTP delivery of 4 KB messages with K concurrent senders (Dovecot's LMTP, mail_fsync=always),
  - POP3 fetch-all of a 1,000-message maildrop (RETR all, DELE all, QUIT),
  - an IMAP client mix with N concurrent users for T seconds (operations/s, p99 latency),
  - memory of C idle IMAP connections (logged in, INBOX selected, in IDLE).
Both servers get TLS from the first byte (993/995 style) with the same certificate, since neither takes a
password in cleartext, and plaintext {PLAIN} passwords so that login cost is the same."""
import os
import pwd
import grp
import shutil
import socket
import sqlite3
import subprocess
import sys
import time

PASSWORD = "bench-password"
DOMAIN = "example.test"
POSTAMT_OFFSET = 20000   # 20024 lmtp, 20993 imaps, 20995 pop3s
DOVECOT_OFFSET = 21000   # 21024, 21993, 21995


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def wait_port(port, proc, what, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            sys.exit(f"bench: {what} exited ({proc.returncode}) while starting")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"bench: {what} did not open port {port}")


def kv(line):
    return {k: v for k, v in (p.split("=", 1) for p in line.split() if "=" in p)}


def run_tool(tool, mode, **opts):
    cmd = [tool, mode]
    for k, v in opts.items():
        cmd += [f"--{k.replace('_', '-')}", str(v)]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.stderr.strip():
        for line in p.stderr.rstrip().splitlines():
            log(f"  {line}")
    if p.returncode != 0:
        sys.exit(f"bench: imap_load {mode} failed ({p.returncode}): {p.stdout.strip()}")
    return kv(p.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------- memory

def process_tree(root_pid):
    children = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        children.setdefault(ppid, []).append(int(d))
    out, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def memory_kib(pids):
    """(RSS, PSS) in KiB summed over pids; PSS shares each shared page among the processes mapping it."""
    rss = pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


# ---------------------------------------------------------------------------------------------- servers

class Postamt:
    name = "postamt"

    def __init__(self, binary, work, users):
        self.binary, self.data = binary, os.path.join(work, "postamt-serve")
        subprocess.run([binary, "init", self.data, "--hostname", "bench.test", "--domain", DOMAIN,
                        "--port-offset", str(POSTAMT_OFFSET)], check=True, stdout=subprocess.DEVNULL)
        self.conf = os.path.join(self.data, "postamt.toml")
        with open(self.conf) as f:
            text = f.read()
        for key, value in (("max_connections", "40000"), ("max_connections_per_ip", "40000"),
                           ("log_level", '"warn"')):
            text = "\n".join(f"{key} = {value}" if l.startswith(f"{key} =") else l for l in text.split("\n"))
        with open(self.conf, "w") as f:
            f.write(text)
        for address in bench_addresses(users):
            subprocess.run([binary, "user", "add", "-c", self.conf, address, "--password-stdin"],
                           input=b"x\n", check=True, stdout=subprocess.DEVNULL)
        # The same cheap {PLAIN} scheme Dovecot gets: the benchmark measures mail handling, not argon2.
        db = sqlite3.connect(os.path.join(self.data, "postamt.sqlite"))
        db.execute("UPDATE users SET password_hash = ?", ("{PLAIN}" + PASSWORD,))
        db.commit()
        db.close()
        self.cert = os.path.join(self.data, "tls/server.crt")
        self.key = os.path.join(self.data, "tls/server.key")
        self.ports = {p: p + POSTAMT_OFFSET for p in (24, 993, 995)}
        self.proc = None

    def start(self):
        self.errlog = open(os.path.join(self.data, "serve.log"), "w")
        self.proc = subprocess.Popen([self.binary, "serve", "-c", self.conf], stdout=subprocess.DEVNULL,
                                     stderr=self.errlog)
        for p in self.ports.values():
            wait_port(p, self.proc, "postamt serve")

    def pids(self):
        return [self.proc.pid]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Dovecot:
    name = "dovecot"

    def __init__(self, work, users, cert, key, max_conns):
        self.root = os.path.join(work, "dovecot-serve")
        home = os.path.join(self.root, "home")
        for d in ("run", "state", "home"):
            os.makedirs(os.path.join(self.root, d))
        if os.getuid() == 0:
            u, g = "nobody", grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name
        else:
            u, g = pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
        uid, gid = pwd.getpwnam(u).pw_uid, grp.getgrnam(g).gr_gid
        os.chmod(work, 0o755)
        os.chmod(self.root, 0o755)
        with open(os.path.join(self.root, "passwd"), "w") as f:
            for address in bench_addresses(users):
                f.write(f"{address}:{{PLAIN}}{PASSWORD}::::::\n")
                os.makedirs(os.path.join(home, address))
                os.chown(os.path.join(home, address), uid, gid)
        os.chown(home, uid, gid)
        procs = max_conns + 200
        self.conf = os.path.join(self.root, "dovecot.conf")
        self.ports = {p: p + DOVECOT_OFFSET for p in (24, 993, 995)}
        with open(self.conf, "w") as f:
            f.write(f"""base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
listen = 127.0.0.1
protocols = imap pop3 lmtp
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = yes
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
mail_fsync = always
mail_max_userip_connections = {procs}
default_process_limit = {procs}
default_client_limit = {procs * 2}
default_vsz_limit = 0
pop3_uidl_format = %08Xu%08Xv
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.root}/passwd
}}
userdb {{
  driver = static
  args = uid={u} gid={g} home={home}/%u allow_all_users=yes
}}
# Dovecot's documented high-performance login mode: a few long-lived login processes, not one per client.
service imap-login {{
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {self.ports[993]}
    ssl = yes
  }}
  service_count = 0
  process_min_avail = 2
  client_limit = {procs}
}}
service imap {{
  process_limit = {procs}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
  inet_listener pop3s {{
    port = {self.ports[995]}
    ssl = yes
  }}
  service_count = 0
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {self.ports[24]}
  }}
}}
""")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(["dovecot", "-F", "-c", self.conf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        for p in self.ports.values():
            wait_port(p, self.proc, "dovecot")

    def pids(self):
        return process_tree(self.proc.pid)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def bench_addresses(users):
    return ["pop1@" + DOMAIN] + [f"bench{i}@{DOMAIN}" for i in range(1, users + 1)]


# ---------------------------------------------------------------------------------------------- rows

def idle_memory(tool, server, count, users):
    before_rss, before_pss = memory_kib(server.pids())
    p = subprocess.Popen([tool, "idle", "--port", str(server.ports[993]), "--count", str(count), "--users",
                          str(users), "--pass", PASSWORD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    if not line:
        sys.exit(f"bench: imap_load idle failed: {p.stderr.read()[:500]}")
    got = kv(line)
    time.sleep(2)  # let the servers settle (Dovecot's login processes hand connections over)
    after_rss, after_pss = memory_kib(server.pids())
    nprocs = len(server.pids())
    p.stdin.close()
    p.wait()
    err = p.stderr.read().strip()
    if err:
        log(f"  {err[:300]}")
    connected = int(got["connected"])
    log(f"{server.name}: {connected} idle connections in {got['seconds']}s, {nprocs} processes, "
        f"RSS {before_rss // 1024}->{after_rss // 1024} MiB, PSS {before_pss // 1024}->{after_pss // 1024} MiB")
    return {"connected": connected, "rss": after_rss, "pss": after_pss,
            "rss_per_conn": (after_rss - before_rss) / max(connected, 1),
            "pss_per_conn": (after_pss - before_pss) / max(connected, 1)}


def pop3_rows(tool, servers, args, res):
    log(f"POP3: filling each maildrop with {args.pop3_messages} messages, then fetch-all")
    for s in servers:
        run_tool(tool, "lmtp", port=s.ports[24], senders=4, messages=args.pop3_messages, users=1,
                 rcpt_prefix="pop", prefix="pop")
    for s in servers:
        r = run_tool(tool, "pop3", port=s.ports[995], user="pop1@" + DOMAIN, **{"pass": PASSWORD},
                     expect=args.pop3_messages)
        res[s.name]["pop3_s"] = float(r["seconds"])
        res[s.name]["pop3_retr_s"] = float(r["login_retr_seconds"])
        res[s.name]["pop3"] = float(r["msgs_per_s"])
        log(f"  {s.name}: login+RETR {r['login_retr_seconds']}s of {r['seconds']}s, {r['bytes']} bytes")


def run_servers(tool, servers, args):
    """Both servers run at once and every row alternates between them (args.reps rounds each), so a
    machine whose load changes during the run (other builds on shared cores) skews both alike."""
    res = {s.name: {} for s in servers}
    for s in servers:
        s.start()
    try:
        if args.only == "imap":
            # Only the IMAP rows: fill the users' mailboxes as the LMTP rows would, untimed.
            log(f"IMAP only: filling {args.users} mailboxes with {args.lmtp_messages} messages")
            for s in servers:
                run_tool(tool, "lmtp", port=s.ports[24], senders=10, messages=args.lmtp_messages, users=args.users)
        for senders in ([] if args.only == "imap" else args.lmtp_senders):
            log(f"LMTP {args.lmtp_messages} x 4 KB, {senders} senders")
            tot = {s.name: [0, 0.0] for s in servers}
            for _ in range(args.reps):
                for s in servers:
                    r = run_tool(tool, "lmtp", port=s.ports[24], senders=senders,
                                 messages=args.lmtp_messages // args.reps, users=args.users)
                    tot[s.name][0] += int(r["messages"])
                    tot[s.name][1] += float(r["seconds"])
            for s in servers:
                res[s.name][f"lmtp{senders}"] = tot[s.name][0] / tot[s.name][1]
                log(f"  {s.name}: {res[s.name][f'lmtp{senders}']:.1f} msg/s")
        if args.only != "imap":
            pop3_rows(tool, servers, args, res)
        seconds = max(1, args.seconds // args.reps)
        for rep in range(args.reps):
            for s in servers:
                log(f"IMAP mix, {s.name}, {args.users} users, {seconds}s (round {rep + 1}/{args.reps})")
                r = run_tool(tool, "mix", port=s.ports[993], users=args.users, seconds=seconds,
                             **{"pass": PASSWORD})
                for key in ("ops_per_s", "p50_ms", "p99_ms"):
                    res[s.name].setdefault(key, []).append(float(r[key]))
        for s in servers:
            for key in ("ops_per_s", "p50_ms", "p99_ms"):
                res[s.name][key] = sum(res[s.name][key]) / len(res[s.name][key])
        for s in servers:  # memory does not depend on load; one server at a time, then stop it
            count = args.idle if s.name == "postamt" else args.idle_dovecot
            log(f"{s.name}: {count} idle IMAP connections")
            res[s.name]["idle"] = idle_memory(tool, s, count, args.users)
            s.stop()
    finally:
        for s in servers:
            s.stop()
    return res


def rows(tool, postamt_binary, work, args):
    p = Postamt(postamt_binary, work, args.users)
    d = Dovecot(work, args.users, p.cert, p.key, args.idle_dovecot)
    res = run_servers(tool, [p, d], args)
    pr, dr = res["postamt"], res["dovecot"]
    out = []
    if args.only != "imap":
        out += [(f"LMTP 4 KB, {k} senders (msg/s)", pr[f"lmtp{k}"], dr[f"lmtp{k}"], "higher") for k in args.lmtp_senders]
        out += [
            (f"POP3 fetch-all {args.pop3_messages} msgs (s)", pr["pop3_s"], dr["pop3_s"], "lower"),
            ("POP3 fetch-all (msg/s)", pr["pop3"], dr["pop3"], "higher"),
            ("  of which login + RETR all (s)", pr["pop3_retr_s"], dr["pop3_retr_s"], "lower"),
        ]
    out += [
        (f"IMAP mix {args.users} users (ops/s)", pr["ops_per_s"], dr["ops_per_s"], "higher"),
        ("IMAP mix p50 latency (ms)", pr["p50_ms"], dr["p50_ms"], "lower"),
        ("IMAP mix p99 latency (ms)", pr["p99_ms"], dr["p99_ms"], "lower"),
    ]
    pi, di = pr["idle"], dr["idle"]
    out += [
        (f"idle IMAP conns held (p {pi['connected']} / d {di['connected']})", pi["connected"], di["connected"], None),
        ("idle IMAP total RSS (MiB)", pi["rss"] / 1024, di["rss"] / 1024, None),
        ("idle IMAP RSS per conn (KiB)", pi["rss_per_conn"], di["rss_per_conn"], "lower"),
        ("idle IMAP PSS per conn (KiB)", pi["pss_per_conn"], di["pss_per_conn"], "lower"),
    ]
    return out
