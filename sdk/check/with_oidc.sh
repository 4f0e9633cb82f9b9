#!/usr/bin/env bash
# with_oidc.sh PEERS_DIR COMMAND [ARGS...] — runs COMMAND with a fresh OIDC
# issuer (tests/peers/oidc_server.mjs: oauth2-mock-server on 127.0.0.1, a free
# port) and replaces in ARGS:
#   @OIDC_URL@    the issuer URL (discovery at @OIDC_URL@/.well-known/openid-configuration)
#   @OIDC_TOKEN@  an RS256 token it signed: sub "nexus-check", aud "nexus-check",
#                 scope "storage:read", valid for an hour
# Stops the issuer (by its PID) afterwards. Exits with COMMAND's status.
# Used by the plugin_check.jwt ctest.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/node_peer.sh"
peers=$1
shift
start_node_peer "$peers" oidc_server.mjs
answer=$(curl -fsS -X POST -H 'content-type: application/json' \
  --data '{"kid": "test-key-1", "claims": {"sub": "nexus-check", "aud": "nexus-check", "scope": "storage:read"}}' \
  "$peer_url/__control/token")
token=$(node -e 'console.log(JSON.parse(process.argv[1]).token)' "$answer")
[[ -n $token ]] || { echo "with_oidc.sh: the issuer minted no token: $answer" >&2; exit 2; }
run_with_placeholders OIDC_URL="$peer_url" OIDC_TOKEN="$token" -- "$@"
