#!/usr/bin/env python3
"""SMTP acceptance + delivery throughput: messages/s from the first connection until every message is in
a mailbox, 4 KB messages, 10 and 100 concurrent senders, with Postfix's smtp-source as the load generator
for both sides:
  postamt serve (MX port, local delivery, fsync before 250)
  vs Postfix (Debian, private instance) -> LMTP over a unix socket -> Dovecot (private instance, Maildir,
     mail_fsync = always), both with their durable defaults (Postfix fsyncs its queue file before 250).
Postfix answers 250 once the message is queued, so its clock stops only when Dovecot has stored all M.
Rounds alternate between the two servers; the row is the median.
Usage: bench/smtp_bench.py --postamt build-smtp2-rel/postamt [--messages 2000] [--senders 10 100]"""
import argparse
import grp
import os
import pwd
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

DOMAIN = "bench.test"
RCPT = "rcpt@" + DOMAIN
SENDER = "load@sender.example"
SIZE = 4096


def log(msg):
    print(f"[smtp_bench] {msg}", file=sys.stderr, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(check, what, timeout=60, proc=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if check():
            return
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what}: the server exited ({proc.returncode})")
        time.sleep(0.05)
    raise RuntimeError(f"timed out waiting for {what}")


def port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def free_offset():
    """A port offset whose every standard postamt port (25, 587, ...) is free on 127.0.0.1."""
    for offset in range(30000, 60000, 97):
        ok = True
        for p in (25, 24, 587, 465, 110, 995, 143, 993, 4190):
            s = socket.socket()
            try:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", offset + p))
            except OSError:
                ok = False
            finally:
                s.close()
            if not ok:
                break
        if ok:
            return offset
    raise RuntimeError("no free port range")


def smtp_source(port, senders, messages):
    """smtp-source: `senders` parallel sessions, `messages` 4 KB messages in all, one recipient each."""
    cmd = ["smtp-source", "-s", str(senders), "-m", str(messages), "-l", str(SIZE), "-f", SENDER, "-t", RCPT,
           "-M", "client.example", f"127.0.0.1:{port}"]
    p = subprocess.run(cmd, capture_output=True, timeout=1800)
    if p.returncode != 0:
        raise RuntimeError(f"smtp-source failed: {p.stderr.decode(errors='replace')[-2000:]}")


class Postamt:
    name = "postamt"

    def __init__(self, binary, work):
        self.binary = binary
        self.data = os.path.join(work, "postamt-smtp")
        self.offset = free_offset()
        subprocess.run([binary, "init", self.data, "--hostname", "bench.test", "--domain", DOMAIN,
                        "--port-offset", str(self.offset)], check=True, stdout=subprocess.DEVNULL)
        self.conf = os.path.join(self.data, "postamt.toml")
        with open(self.conf) as f:
            text = f.read()
        # No SPF/DKIM/DMARC checks (Postfix does none here either, and this machine has no DNS for them).
        for key, value in (("max_connections_per_ip", "1000"), ("log_level", '"warn"'), ("inbound", "false")):
            text = "\n".join(f"{key} = {value}" if l.startswith(f"{key} =") else l for l in text.split("\n"))
        with open(self.conf, "w") as f:
            f.write(text)
        subprocess.run([binary, "user", "add", "-c", self.conf, RCPT, "--password-stdin"], input=b"bench-pw-1\n",
                       check=True, stdout=subprocess.DEVNULL)
        self.port = 25 + self.offset
        self.proc = None

    def start(self):
        self.errlog = open(os.path.join(self.data, "serve.log"), "a")
        self.proc = subprocess.Popen([self.binary, "serve", "-c", self.conf], stdout=subprocess.DEVNULL,
                                     stderr=self.errlog)
        wait_for(lambda: port_open(self.port), "postamt serve", proc=self.proc)

    def delivered(self):
        total = 0
        for root, _, files in os.walk(os.path.join(self.data, "accounts")):
            if "index.sqlite" in files:
                db = sqlite3.connect(f"file:{os.path.join(root, 'index.sqlite')}?mode=ro", uri=True, timeout=30)
                try:
                    total += db.execute("SELECT count(*) FROM messages").fetchone()[0]
                finally:
                    db.close()
        return total

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.errlog.close()


class PostfixDovecot:
    name = "postfix+dovecot"

    def __init__(self, work):
        self.root = os.path.join(work, "postfix-dovecot")
        d = self.root
        self.etc, self.spool, self.pdata = f"{d}/postfix-etc", f"{d}/postfix-spool", f"{d}/postfix-data"
        self.dove, self.home = f"{d}/dovecot", f"{d}/home"
        for p in (self.etc, self.spool, self.pdata, self.dove + "/run", self.dove + "/state", self.home):
            os.makedirs(p)
        os.chmod(work, 0o755)
        os.chmod(d, 0o755)
        shutil.chown(self.pdata, "postfix")
        self.port = free_port()
        if os.getuid() == 0:
            user = "nobody"
        else:
            user = pwd.getpwuid(os.getuid()).pw_name
        group = grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name
        os.chown(self.home, pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid)
        self.lmtp_socket = f"{self.dove}/run/lmtp-bench"
        with open(f"{self.dove}/dovecot.conf", "w") as f:
            f.write(f"""base_dir = {self.dove}/run
state_dir = {self.dove}/state
log_path = {self.dove}/dovecot.log
protocols = lmtp
ssl = no
mail_location = maildir:~/Maildir
mail_fsync = always
lmtp_save_to_detail_mailbox = no
passdb {{
  driver = static
  args = nopassword=y
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={self.home}/%u allow_all_users=yes
}}
service lmtp {{
  unix_listener lmtp-bench {{
    mode = 0666
  }}
  process_limit = 200
}}
""")
        with open(f"{self.etc}/main.cf", "w") as f:
            f.write(f"""compatibility_level = 3.6
queue_directory = {self.spool}
data_directory = {self.pdata}
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = bench-postfix.localdomain
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
virtual_mailbox_domains = {DOMAIN}
virtual_mailbox_maps = static:ok
virtual_transport = lmtp:unix:{self.lmtp_socket}
alias_maps =
alias_database =
smtpd_peername_lookup = no
maillog_file = {d}/postfix.log
biff = no
""")
        # Debian's master.cf with the SMTP listener moved to our port and nothing chrooted.
        out = []
        with open("/etc/postfix/master.cf") as f:
            for line in f:
                fields = line.split()
                if fields and not line[0].isspace() and not line.startswith("#") and len(fields) >= 8:
                    if fields[0] == "smtp" and fields[1] == "inet":
                        fields[0] = f"127.0.0.1:{self.port}"
                    fields[4] = "n"
                    line = " ".join(fields) + "\n"
                out.append(line)
        with open(f"{self.etc}/master.cf", "w") as f:
            f.writelines(out)
        self.dovecot = None
        self.running = False

    def start(self):
        self.dovecot = subprocess.Popen(["dovecot", "-F", "-c", f"{self.dove}/dovecot.conf"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: os.path.exists(self.lmtp_socket), "dovecot lmtp socket", proc=self.dovecot)
        p = subprocess.run(["postfix", "-c", self.etc, "start"], capture_output=True)
        if p.returncode != 0:
            raise RuntimeError("postfix start failed: " + p.stderr.decode(errors="replace"))
        self.running = True
        wait_for(lambda: port_open(self.port), "postfix smtpd")

    def delivered(self):
        total = 0
        for root, dirs, files in os.walk(self.home):
            if os.path.basename(root) in ("new", "cur"):
                total += len(files)
        return total

    def stop(self):
        if self.running:
            subprocess.run(["postfix", "-c", self.etc, "stop"], capture_output=True)
            self.running = False
        if self.dovecot and self.dovecot.poll() is None:
            self.dovecot.terminate()
            try:
                self.dovecot.wait(60)
            except subprocess.TimeoutExpired:
                self.dovecot.kill()
                self.dovecot.wait()


def one_round(server, senders, messages):
    """Messages/s from the first connection until all `messages` are in mailboxes."""
    before = server.delivered()
    t0 = time.monotonic()
    smtp_source(server.port, senders, messages)
    wait_for(lambda: server.delivered() >= before + messages, f"{server.name}: {messages} messages in mailboxes",
             timeout=1800)
    elapsed = time.monotonic() - t0
    got = server.delivered() - before
    if got != messages:
        raise RuntimeError(f"{server.name}: {got} messages delivered, expected {messages}")
    return messages / elapsed


def rows(postamt_binary, work, messages=2000, senders=(10, 100), reps=3):
    """[(label, postamt msg/s, postfix+dovecot msg/s)] per sender count."""
    servers = [Postamt(postamt_binary, work), PostfixDovecot(work)]
    out = []
    try:
        for s in servers:
            s.start()
        for n in senders:
            rates = {s.name: [] for s in servers}
            for rep in range(reps):
                order = servers if rep % 2 == 0 else list(reversed(servers))
                for s in order:
                    r = one_round(s, n, messages)
                    rates[s.name].append(r)
                    log(f"{s.name}: {n} senders, {messages} messages: {r:.1f} msg/s")
            out.append((f"smtp accept+deliver 4 KB, {n} senders", statistics.median(rates["postamt"]),
                        statistics.median(rates["postfix+dovecot"])))
    finally:
        for s in servers:
            s.stop()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--postamt", required=True)
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--senders", type=int, nargs="+", default=[10, 100])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--keep", action="store_true", help="keep the work directory (logs, mail)")
    args = ap.parse_args()
    for tool in ("smtp-source", "postfix", "dovecot"):
        if not shutil.which(tool):
            sys.exit(f"smtp_bench: {tool} missing (scripts/install-deps.sh bench installs it)")
    work = tempfile.mkdtemp(prefix="postamt-smtpbench-", dir="/var/tmp")
    try:
        table = rows(os.path.abspath(args.postamt), work, args.messages, args.senders, args.reps)
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    width = max(len(r[0]) for r in table) + 2
    print(f"{'benchmark':<{width}} {'postamt':>10} {'postfix+dovecot':>16} {'ratio':>8}")
    for label, p, d in table:
        print(f"{label + ' (msg/s)':<{width}} {p:>10.1f} {d:>16.1f} {p / d:>7.2f}x")


if __name__ == "__main__":
    main()
