#!/usr/bin/env bash
# Installs the test peers (s3rver, dynalite, oauth2-mock-server, the MCP
# conformance suite and Inspector, a Node 22 runtime) from npm, pinned by
# tests/peers/package-lock.json. Idempotent: does nothing when the installed
# tree matches the lockfile.
set -euo pipefail
cd "$(dirname "$0")/../tests/peers"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  echo "peers.sh: installing nodejs and npm from Debian"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi

stamp=node_modules/.nexus-lock-sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "peers.sh: npm ci in tests/peers"
npm ci --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
