#!/usr/bin/env bash
# `make bench`: runs every benchmark side by side with the Debian comparison programs and prints one
# table of ratios. Usage: bench/run.sh path/to/postamt
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "$1")
python3 "$here/deliver_bench.py" --postamt "$bin" "${@:2}"
