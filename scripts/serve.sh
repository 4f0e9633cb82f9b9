#!/usr/bin/env bash
# The first README command: install what is needed, build, and run nexusd
# on etc/nexus.json (files under ./data, API key auth, loopback only).
# Extra arguments go to nexusd (e.g. --listen 127.0.0.1:9000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh --target nexusd nexus_plugins
mkdir -p data
if [ -z "${NEXUS_API_KEY:-}" ]; then
  # No key given: make one for this machine, kept in data/.api-key (mode 600).
  if [ ! -s data/.api-key ]; then
    (umask 077; head -c 24 /dev/urandom | base64 | tr '+/' '-_' > data/.api-key)
  fi
  NEXUS_API_KEY="$(cat data/.api-key)"
  echo "serve.sh: NEXUS_API_KEY not set; using the key in data/.api-key"
  echo "          try: curl -H \"X-API-Key: \$(cat data/.api-key)\" http://127.0.0.1:8000/v1/instances"
fi
export NEXUS_API_KEY
exec build/bin/nexusd --config etc/nexus.json "$@"
