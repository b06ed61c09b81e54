#!/usr/bin/env bash
# `make bench`: builds the load generator (bench/imap_load, not part of the main build), then runs every
# benchmark side by side with the Debian comparison programs and prints tables of ratios.
# Usage: bench/run.sh path/to/postamt [bench.py options, e.g. --seconds 10 --idle 2000]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "$1")
tool_build=$(dirname "$bin")/imap_load
cmake -S "$here/imap_load" -B "$tool_build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$tool_build" >/dev/null
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true  # idle-connection row: thousands of sockets on each side
python3 "$here/bench.py" --postamt "$bin" --tool "$tool_build/imap_load" "${@:2}"
# SMTP accept+deliver rows: postamt vs Postfix -> Dovecot LMTP, both driven by Postfix's smtp-source.
python3 "$here/smtp_bench.py" --postamt "$bin"
