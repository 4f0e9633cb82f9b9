#!/usr/bin/env bash
# Installs what Nexus needs to build and test, from Debian 12's packages.
# Idempotent: installs only what is missing, so a second run is instant and
# needs no network. Extra package names as arguments are installed too
# (bench/deps.sh: wrk, nginx).
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config ccache git curl ca-certificates python3
  libboost-dev libboost-program-options-dev libpistache-dev nlohmann-json3-dev
  libssl-dev libcurl4-openssl-dev libspdlog-dev libvalijson-dev libsqlite3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  pocketsphinx pocketsphinx-en-us libpocketsphinx-dev libsphinxbase-dev espeak-ng sox
  prometheus
  "$@"
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps.sh: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "deps.sh: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
