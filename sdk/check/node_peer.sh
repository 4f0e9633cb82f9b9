# node_peer.sh — sourced by the with_<peer>.sh wrappers: start one Node test
# peer from tests/peers on a free 127.0.0.1 port, wait until it accepts
# connections, stop it by its PID however the run ends, and run the command
# with @NAME@ placeholders replaced.
#
#   start_node_peer PEERS_DIR SCRIPT [NODE ARGS...]   sets peer_port, peer_url
#   run_with_placeholders NAME=VALUE... -- COMMAND [ARGS...]
#
# Callers set `set -euo pipefail` first; the peer's output goes to a
# temporary log that is printed if it exits early.

peer_pid=""
peer_log=""
_stop_node_peer() {
  if [[ -n $peer_pid ]]; then
    kill "$peer_pid" 2>/dev/null || true
    wait "$peer_pid" 2>/dev/null || true
  fi
  [[ -n $peer_log ]] && rm -f "$peer_log"
  return 0
}
trap _stop_node_peer EXIT
# A signal ends the run too; exit so the EXIT trap stops the peer.
trap 'exit 130' INT
trap 'exit 143' TERM

start_node_peer() {
  local peers=$1 script=$2
  shift 2
  local who="${0##*/}"
  [[ -f $peers/$script ]] || { echo "$who: $peers/$script not found" >&2; exit 2; }
  [[ -d $peers/node_modules ]] || { echo "$who: $peers/node_modules missing; run npm ci in $peers" >&2; exit 2; }
  peer_port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  peer_url="http://127.0.0.1:$peer_port"
  peer_log=$(mktemp /tmp/nexus-peer-XXXXXX.log)
  node "$peers/$script" "$@" "$peer_port" >"$peer_log" 2>&1 &
  peer_pid=$!
  for _ in $(seq 1 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$peer_port") 2>/dev/null; then return 0; fi
    kill -0 "$peer_pid" 2>/dev/null || { echo "$who: $script exited:" >&2; cat "$peer_log" >&2; exit 2; }
    sleep 0.05
  done
  echo "$who: $script did not listen on $peer_url within 10 s:" >&2
  cat "$peer_log" >&2
  exit 2
}

run_with_placeholders() {
  local -a names=() values=()
  while [[ $# -gt 0 && $1 != -- ]]; do
    names+=("${1%%=*}")
    values+=("${1#*=}")
    shift
  done
  shift  # --
  local -a args=()
  local a i
  for a in "$@"; do
    for i in "${!names[@]}"; do a="${a//@${names[$i]}@/${values[$i]}}"; done
    args+=("$a")
  done
  set +e
  "${args[@]}"
  local status=$?
  set -e
  return "$status"
}
