#!/usr/bin/env bash
# The second README command (and CI's): install what is needed, build
# everything, run every test, then the ThreadSanitizer pass
# (scripts/tsan.sh), then a smoke run of the benchmarks (bench/run --quick:
# every pair once, briefly, on this build; no numbers are asserted, but a
# benchmark that no longer builds or runs fails). Exit status: non-zero if
# any of them failed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/peers.sh
bash scripts/build.sh
status=0
(cd build && ctest --output-on-failure -j2 --timeout 300) || status=$?
# Then the reload, MCP and limits tests again under ThreadSanitizer (its own
# build in build-tsan); runs even when ctest failed, so both are reported.
bash scripts/tsan.sh || status=$?
bash bench/run --quick --build build || status=$?
exit "$status"
