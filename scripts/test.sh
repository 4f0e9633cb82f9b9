#!/usr/bin/env bash
# The second README command (and CI's): install what is needed, build
# everything, run every test. Exit status is the tests'.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/peers.sh
bash scripts/build.sh
cd build
ctest --output-on-failure -j2 --timeout 300
