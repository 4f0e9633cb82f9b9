#!/usr/bin/env bash
# The SDK as a third-party author gets it: install it to a prefix, create a
# plugin of each kind from the template, build each as a separate CMake
# project that sees only the prefix, check what it exports, run the
# conformance kit on it (when built), and serve the storage one over HTTP.
# The checked-in examples (examples/plugins) are built, checked and served
# the same way.
# usage: out_of_tree_test.sh BUILD_DIR
set -euo pipefail
build="$(cd "$1" && pwd)"
work="$(mktemp -d)"
nexusd_pid=""
cleanup() { [ -n "$nexusd_pid" ] && kill "$nexusd_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$work/prefix" >/dev/null
[ -f "$work/prefix/lib/cmake/NexusSDK/NexusSDKConfig.cmake" ] || fail "NexusSDKConfig.cmake not installed"
[ -f "$work/prefix/include/nexus/nexus.h" ] || fail "C headers not installed"
[ -f "$work/prefix/include/nexus/sdk/sdk.hpp" ] || fail "C++ SDK headers not installed"
[ -f "$work/prefix/share/pkgconfig/nexus-sdk.pc" ] || fail "pkg-config file not installed"
incdir="$(PKG_CONFIG_PATH="$work/prefix/share/pkgconfig" pkg-config --cflags-only-I nexus-sdk | sed 's/^ *-I//; s/ *$//')"
[ "$(realpath "$incdir")" = "$(realpath "$work/prefix/include")" ] \
  || fail "pkg-config --cflags nexus-sdk gives '$incdir', not the prefix's include folder"

kit="$build/bin/nexus-plugin-check"
src="$(cd "$(dirname "$0")/../.." && pwd)"

# examples/plugins: checked-in plugins built only against the prefix.
cmake -S "$src/examples/plugins/text-stats" -B "$work/text-stats" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null || fail "examples/plugins/text-stats does not configure against the installed SDK"
cmake --build "$work/text-stats" >/dev/null || fail "examples/plugins/text-stats does not build"
if [ -x "$kit" ]; then
  "$kit" "$work/text-stats/plugins/libnexus_text_stats.so" --instance-config '{}' \
    --tool-call 'text_stats {"text": "Please transfer my call. Billing, please!"}' > "$work/text-stats.check" 2>&1 \
    || { cat "$work/text-stats.check"; fail "examples/plugins/text-stats fails the conformance kit"; }
fi
echo "ok: examples/plugins/text-stats builds against the installed SDK and passes the kit"
cmake -S "$src/examples/plugins/dedup-store" -B "$work/dedup-store" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null || fail "examples/plugins/dedup-store does not configure against the installed SDK"
cmake --build "$work/dedup-store" >/dev/null || fail "examples/plugins/dedup-store does not build"
if [ -x "$kit" ]; then
  "$kit" "$work/dedup-store/plugins/libnexus_dedup_store.so" --instance-config "{\"root\": \"$work/dedup-kit-a\"}" \
    --second-config "{\"root\": \"$work/dedup-kit-b\"}" > "$work/dedup-store.check" 2>&1 \
    || { cat "$work/dedup-store.check"; fail "examples/plugins/dedup-store fails the conformance kit"; }
  grep -q '^PASS  storage.list_pages' "$work/dedup-store.check" || fail "the kit ran no storage checks on dedup-store"
fi
echo "ok: examples/plugins/dedup-store builds against the installed SDK and passes the kit"
# A plain-C plugin (C headers only, a C-only project) through the same
# nexus_add_plugin helper: the installed package must export
# nexus::plugin_api under the name the helper links.
mkdir -p "$work/c_plain"
cp "$src/tests/plugins/c_echo/c_echo.c" "$work/c_plain/c_plain.c"
cat > "$work/c_plain/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(c_plain LANGUAGES C)
find_package(NexusSDK 1 REQUIRED)
nexus_add_plugin(c_plain C SOURCES c_plain.c)
target_compile_definitions(nexus_plugin_c_plain PRIVATE TEST_PLUGIN_ID="c_plain")
CMAKE
cmake -S "$work/c_plain" -B "$work/c_plain/build" -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/c_plain.cmake" 2>&1 \
  || { cat "$work/c_plain.cmake"; fail "a plain-C plugin project does not configure against the installed SDK"; }
cmake --build "$work/c_plain/build" > "$work/c_plain.build" 2>&1 || { cat "$work/c_plain.build"; fail "the plain-C plugin does not build"; }
if [ -x "$kit" ]; then
  "$kit" "$work/c_plain/build/plugins/libnexus_c_plain.so" --instance-config '{}' > "$work/c_plain.check" 2>&1 \
    || { cat "$work/c_plain.check"; fail "the plain-C plugin fails the conformance kit"; }
fi
echo "ok: a plain-C plugin builds with nexus_add_plugin(... C ...) against the installed SDK and passes the kit"

for kind in tools storage auth transcription; do
  id="demo_$kind"
  "$work/prefix/bin/nexus-new-plugin" "$id" --kind "$kind" "$work/$id" >/dev/null
  # CMAKE_PREFIX_PATH is the only way the project can find Nexus.
  cmake -S "$work/$id" -B "$work/$id/build" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null \
    || fail "$kind template does not configure against the installed SDK"
  cmake --build "$work/$id/build" >/dev/null || fail "$kind template does not build"
  so="$work/$id/build/plugins/libnexus_$id.so"
  [ -f "$so" ] || fail "$kind template did not produce $so"
  exported="$(nm -D --defined-only "$so" | awk '{print $3}' | sort -u | tr '\n' ' ')"
  [ "$exported" = "nexus_plugin_entry_v1 " ] || fail "$so exports more than the entry symbol: $exported"
  if [ -x "$kit" ]; then
    "$kit" "$so" --instance-config '{}' > "$work/$id.check" 2>&1 || { cat "$work/$id.check"; fail "$kind template fails the conformance kit"; }
  fi
  echo "ok: $kind plugin from the template builds against the installed SDK"
done

# Serve the storage plugin with the installed nexusd and use it over HTTP.
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
key="out-of-tree-test-key-0123456789"
cat > "$work/nexus.json" <<JSON
{
  "http": {"listen": "127.0.0.1:$port"},
  "state_dir": "$work/state",
  "plugin_dirs": ["$work/demo_storage/build/plugins", "$work/text-stats/plugins", "$work/dedup-store/plugins"],
  "instances": {
    "notes": {"plugin": "demo_storage", "config": {}},
    "recordings": {"plugin": "dedup_store", "config": {"root": "$work/dedup-served"}},
    "stats": {"plugin": "text_stats", "config": {"top": 2}},
    "keys": {"plugin": "apikey", "config": {"keys": [{"id": "t", "env": "OOT_KEY", "scopes": ["*"]}]}}
  },
  "routes": {"storage": {"auth": ["keys"]}, "admin": {"auth": ["keys"]}, "mcp": {"auth": ["keys"]}}
}
JSON
# No --plugin-dir: the installed nexusd finds apikey in its own prefix
# (checked first that it searches there, and not the build tree).
"$work/prefix/bin/nexusd" plugins describe apikey > "$work/describe.txt" 2>&1 \
  || { cat "$work/describe.txt"; fail "the installed nexusd does not find the plugins installed with it"; }
grep -q "$work/prefix/lib/nexus/plugins/libnexus_apikey.so" "$work/describe.txt" \
  || { cat "$work/describe.txt"; fail "the installed nexusd took apikey from outside its prefix"; }
OOT_KEY="$key" "$work/prefix/bin/nexusd" --config "$work/nexus.json" > "$work/nexusd.log" 2>&1 &
nexusd_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  kill -0 "$nexusd_pid" 2>/dev/null || { cat "$work/nexusd.log"; fail "nexusd exited"; }
  sleep 0.1
done
curl -fsS -X PUT -H "X-API-Key: $key" -H "Content-Type: text/plain" --data-binary "hello" \
  "http://127.0.0.1:$port/v1/storage/notes/a/b.txt" >/dev/null || { cat "$work/nexusd.log"; fail "PUT to the template storage plugin failed"; }
got="$(curl -fsS -H "X-API-Key: $key" "http://127.0.0.1:$port/v1/storage/notes/a/b.txt")"
[ "$got" = "hello" ] || fail "GET returned '$got'"
echo "ok: the template storage plugin serves over HTTP from the installed nexusd"

# The example storage over REST: the same bytes under two keys are one blob on
# disk, both keys read back, and a delete keeps the bytes the other key uses.
put_recording() {  # put_recording KEY BODY
  curl -fsS -X PUT -H "X-API-Key: $key" -H "Content-Type: audio/wav" --data-binary "$2" \
    "http://127.0.0.1:$port/v1/storage/recordings/$1" >/dev/null || { cat "$work/nexusd.log"; fail "PUT $1 to dedup_store failed"; }
}
get_recording() { curl -fsS -H "X-API-Key: $key" "http://127.0.0.1:$port/v1/storage/recordings/$1"; }
blobs() { find "$work/dedup-served/blobs" -type f | wc -l; }
put_recording calls/2026/a.wav "RIFF same bytes"
put_recording calls/2026/b.wav "RIFF same bytes"
[ "$(get_recording calls/2026/a.wav)" = "RIFF same bytes" ] || fail "GET calls/2026/a.wav from dedup_store returned the wrong bytes"
[ "$(get_recording calls/2026/b.wav)" = "RIFF same bytes" ] || fail "GET calls/2026/b.wav from dedup_store returned the wrong bytes"
[ "$(blobs)" = 1 ] || fail "two keys with the same bytes made $(blobs) blobs in dedup_store, expected 1"
curl -fsS -X DELETE -H "X-API-Key: $key" "http://127.0.0.1:$port/v1/storage/recordings/calls/2026/a.wav" >/dev/null \
  || fail "DELETE from dedup_store failed"
[ "$(get_recording calls/2026/b.wav)" = "RIFF same bytes" ] || fail "deleting one key lost the bytes the other key uses"
put_recording calls/2026/b.wav "RIFF other bytes"
[ "$(blobs)" = 1 ] || fail "after the only key moved to new bytes, dedup_store kept $(blobs) blobs, expected 1"
echo "ok: the example dedup_store serves PUT/GET/DELETE over REST from the installed nexusd and stores equal bytes once"

# The example tool over MCP (Streamable HTTP): initialize, then tools/call.
mcp() {  # mcp JSON [SESSION] -> response body (JSON or SSE)
  curl -fsS -X POST -H "X-API-Key: $key" -H "Content-Type: application/json" \
    -H "Accept: application/json, text/event-stream" -H "MCP-Protocol-Version: 2025-11-25" \
    ${2:+-H "Mcp-Session-Id: $2"} -D "$work/mcp.headers" --data-binary "$1" "http://127.0.0.1:$port/mcp"
}
mcp '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"oot","version":"1"}}}' >/dev/null \
  || { cat "$work/nexusd.log"; fail "MCP initialize failed"; }
session="$(tr -d '\r' < "$work/mcp.headers" | awk -F': ' 'tolower($1)=="mcp-session-id" {print $2}')"
[ -n "$session" ] || fail "no Mcp-Session-Id in the initialize answer"
mcp '{"jsonrpc":"2.0","method":"notifications/initialized"}' "$session" >/dev/null || fail "notifications/initialized failed"
answer="$(mcp '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"text_stats","arguments":{"text":"Billing please. Billing now!"}}}' "$session")" \
  || { cat "$work/nexusd.log"; fail "tools/call text_stats failed"; }
echo "$answer" | grep -q '"structuredContent":{"sentences":2,"top_words":\[{"count":2,"word":"billing"}' \
  || fail "tools/call text_stats answered: $answer"
echo "ok: the example tool answers tools/call over /mcp from the installed nexusd"
