#!/usr/bin/env bash
# The SDK as a third-party author gets it: install it to a prefix, create a
# plugin of each kind from the template, build each as a separate CMake
# project that sees only the prefix, check what it exports, run the
# conformance kit on it (when built), and serve the storage one over HTTP.
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
  "plugin_dirs": ["$work/demo_storage/build/plugins"],
  "instances": {
    "notes": {"plugin": "demo_storage", "config": {}},
    "keys": {"plugin": "apikey", "config": {"keys": [{"id": "t", "env": "OOT_KEY", "scopes": ["*"]}]}}
  },
  "routes": {"storage": {"auth": ["keys"]}, "admin": {"auth": ["keys"]}}
}
JSON
OOT_KEY="$key" "$work/prefix/bin/nexusd" --config "$work/nexus.json" \
  --plugin-dir "$work/prefix/lib/nexus/plugins" > "$work/nexusd.log" 2>&1 &
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
