#!/usr/bin/env bash
# What bench/run needs beyond scripts/deps.sh, from Debian 12's packages:
# wrk (the load generator) and nginx (a baseline). Idempotent: installs only
# what is missing. bench/run starts nginx itself, in the foreground with its
# own config and pid file on a loopback port; it never uses the system
# service (which Debian's package starts on port 80 where services run).
set -euo pipefail

PACKAGES=(wrk nginx)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "bench/deps.sh: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "bench/deps.sh: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
