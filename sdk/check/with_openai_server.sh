#!/usr/bin/env bash
# with_openai_server.sh PEERS_DIR COMMAND [ARGS...] — runs COMMAND with a
# fresh OpenAI-compatible transcription server (tests/peers/openai_server.mjs,
# pocketsphinx behind it) on a free 127.0.0.1 port, and replaces in ARGS:
#   @OPENAI_URL@  its base URL
#   @OPENAI_KEY@  the API key it accepts (made up for this run)
# Stops the server (by its PID) afterwards. Exits with COMMAND's status.
# Used by the plugin_check.openai ctest.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/node_peer.sh"
peers=$1
shift
key="sk-nexus-check-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
export OPENAI_TEST_KEY="$key"  # read by openai_server.mjs
start_node_peer "$peers" openai_server.mjs
run_with_placeholders OPENAI_URL="$peer_url" OPENAI_KEY="$key" -- "$@"
