#!/usr/bin/env bash
# with_dynalite.sh PEERS_DIR COMMAND [ARGS...] — runs COMMAND with a fresh,
# in-memory dynalite (tests/peers/node_modules) listening on a free
# 127.0.0.1 port, every "@DYNALITE_URL@" in ARGS replaced by its URL, and
# stops that dynalite (by its PID) afterwards. Exits with COMMAND's status.
# Used by the plugin_check.dynamodb ctest; handy by hand as well.
set -euo pipefail
peers=$1
shift
cli="$peers/node_modules/dynalite/cli.js"
[[ -f $cli ]] || { echo "with_dynalite.sh: $cli not found; run npm ci in $peers" >&2; exit 2; }

port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
log=$(mktemp /tmp/nexus-dynalite-XXXXXX.log)
node "$cli" --host 127.0.0.1 --port "$port" --createTableMs 0 --deleteTableMs 0 --updateTableMs 0 >"$log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$log"
}
trap cleanup EXIT

for _ in $(seq 1 200); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  kill -0 "$pid" 2>/dev/null || { echo "with_dynalite.sh: dynalite exited:" >&2; cat "$log" >&2; exit 2; }
  sleep 0.05
done

url="http://127.0.0.1:$port"
args=()
for a in "$@"; do args+=("${a//@DYNALITE_URL@/$url}"); done
set +e
"${args[@]}"
status=$?
set -e
exit "$status"
