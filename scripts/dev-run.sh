#!/usr/bin/env bash
# `make run`: create the development data directory on first run, then serve in the foreground.
set -euo pipefail
bin=$1; data=$2
if [ ! -f "$data/postamt.toml" ]; then
  "$bin" init "$data" --hostname localhost --domain example.test --port-offset 10000 --demo-user demo
fi
echo "config: $data/postamt.toml"
exec "$bin" serve -c "$data/postamt.toml"
