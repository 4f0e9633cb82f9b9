#!/usr/bin/env bash
# Configures (once) and builds Nexus into ./build. Extra arguments are
# passed to `cmake --build` (e.g. --target nexusd).
set -euo pipefail
cd "$(dirname "$0")/.."
# Let ccache reuse objects compiled in another clone of the tree (CI builds a
# fresh clone each time): paths relative to the tree, no cwd in the hash.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
# Tests and benchmarks in one configure (scripts/test.sh smoke-runs the
# benchmarks); a tree configured before the benchmarks were part of it is
# configured again.
if ! grep -q '^NEXUS_BUILD_BENCH:BOOL=ON' build/CMakeCache.txt 2>/dev/null; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEXUS_BUILD_TESTS=ON -DNEXUS_BUILD_BENCH=ON
fi
cmake --build build -j"$(nproc)" "$@"
