#!/usr/bin/env bash
# `make run`: create the development data directory on first run (domain example.test, user
# demo@example.test with a generated password printed once), then serve in the foreground.
set -euo pipefail
bin=$1; data=$2
if [ ! -f "$data/postamt.toml" ]; then
  "$bin" init "$data" --hostname localhost --domain example.test --user demo@example.test --port-offset 10000
else
  echo "data directory: $data (existing; demo login demo@example.test, password printed at its first run;"
  echo "  set a new one with: $bin user passwd demo@example.test -c $data/postamt.toml)"
fi
echo "config: $data/postamt.toml"
exec "$bin" serve -c "$data/postamt.toml"
