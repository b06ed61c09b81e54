#!/usr/bin/env bash
# Installs the Debian packages postamt needs to build, test and run; idempotent (used by every make target).
# Usage: scripts/install-deps.sh [build|test|bench]
set -euo pipefail
what=${1:-build}
pkgs=(build-essential cmake ninja-build ccache pkg-config
      libboost1.81-dev libboost-json1.81-dev libssl-dev libsqlite3-dev libtomlplusplus-dev
      libargon2-dev libcrypt-dev openssl libc-ares-dev)
case "$what" in
  test)  pkgs+=(libgtest-dev libgmock-dev python3 curl swaks dnsmasq-base libnet-ssleay-perl fetchmail isync neomutt python3-dkim python3-nacl dovecot-imapd dovecot-pop3d dovecot-sieve sieve-connect postfix) ;;
  bench) pkgs+=(dovecot-core dovecot-imapd dovecot-pop3d dovecot-lmtpd postfix python3) ;;
esac
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
# postfix: installed only for its tools (smtp-source) and as a test peer; tests start their own instance.
echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections 2>/dev/null || true
$sudo apt-get update -q >/dev/null
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
