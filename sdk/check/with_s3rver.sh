#!/usr/bin/env bash
# with_s3rver.sh PEERS_DIR COMMAND [ARGS...] — runs COMMAND with a fresh
# s3rver (tests/peers/node_modules) on a free 127.0.0.1 port whose data lives
# in a temporary folder, with the buckets "kit-a" and "kit-b"; every
# "@S3RVER_URL@" in ARGS is replaced by its URL. Stops s3rver (by its PID)
# and removes its data afterwards. Exits with COMMAND's status. Used by the
# plugin_check.s3 ctest.
set -euo pipefail
peers=$1
shift
cli="$peers/node_modules/s3rver/bin/s3rver.js"
[[ -f $cli ]] || { echo "with_s3rver.sh: $cli not found; run npm ci in $peers" >&2; exit 2; }

port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
data=$(mktemp -d /tmp/nexus-s3rver-XXXXXX)
# Without the legacy provider s3rver's ListObjectsV2 paging answers 500 (PEERS.md).
NODE_OPTIONS=--openssl-legacy-provider node "$cli" -d "$data" -a 127.0.0.1 -p "$port" --service-endpoint localhost \
  --configure-bucket kit-a --configure-bucket kit-b >"$data.log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$data" "$data.log"
}
trap cleanup EXIT

for _ in $(seq 1 200); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  kill -0 "$pid" 2>/dev/null || { echo "with_s3rver.sh: s3rver exited:" >&2; cat "$data.log" >&2; exit 2; }
  sleep 0.05
done

url="http://127.0.0.1:$port"
args=()
for a in "$@"; do args+=("${a//@S3RVER_URL@/$url}"); done
set +e
"${args[@]}"
status=$?
set -e
exit "$status"
