# tests/mcp/nexusd_session.sh — sourced by the MCP client scripts
# (conformance.sh, inspector.sh, sdk_client.sh): a work folder removed on
# exit, a free loopback port, and a nexusd started on "$WORK/nexus.json"
# and waited for until it answers /health, stopped however the script ends.
#
# The sourcing script sets SCRIPT (its name, for messages) and NEXUSD
# first; then writes "$WORK/nexus.json" listening on 127.0.0.1:$PORT and
# calls start_nexusd (environment for nexusd goes before the call, e.g.
# `KEY=... start_nexusd`).

WORK=$(mktemp -d)
NEXUSD_PID=""
cleanup() {
  if [[ -n "$NEXUSD_PID" ]]; then kill "$NEXUSD_PID" 2>/dev/null || true; wait "$NEXUSD_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Prints the failure with the end of nexusd's log, exits 1.
fail() {
  echo "$SCRIPT: FAIL: $*"
  echo "--- nexusd stderr (tail) ---"
  tail -50 "$WORK/nexusd.err" 2>/dev/null || true
  exit 1
}

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

start_nexusd() {
  "$NEXUSD" --config "$WORK/nexus.json" >"$WORK/nexusd.out" 2>"$WORK/nexusd.err" &
  NEXUSD_PID=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && return 0
    kill -0 "$NEXUSD_PID" 2>/dev/null || fail "nexusd exited before it served /health"
    sleep 0.1
  done
  fail "nexusd did not answer /health on port $PORT within 10 s"
}
