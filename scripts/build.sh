#!/usr/bin/env bash
# Configures (once) and builds Nexus into ./build. Extra arguments are
# passed to `cmake --build` (e.g. --target nexusd).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEXUS_BUILD_TESTS=ON
fi
cmake --build build -j"$(nproc)" "$@"
