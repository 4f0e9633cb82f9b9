#!/usr/bin/env bash
# Runs the reload tests under ThreadSanitizer: the in-process reload tests
# (tests/unit/reload_test.cpp) and the zero-drop swap against a real nexusd
# (tests/integration/reload_test.cpp), everything built with
# -fsanitize=thread into ./build-tsan. Exit status: non-zero on a failed
# test or on any TSan report, from the test binary or from a nexusd it ran.
#
#   scripts/tsan.sh                 configure (once), build, run
#   scripts/tsan.sh --gtest_filter=Reload.*   extra arguments go to both test binaries
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
build=build-tsan
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DNEXUS_BUILD_TESTS=ON -DNEXUS_BUILD_EXAMPLES=OFF \
    -DNEXUS_SANITIZE=thread
fi
cmake --build "$build" -j"${NEXUS_JOBS:-2}" --target nexus_unit_tests nexus_integration_tests nexusd

# Reports go to files (the nexusd children's stderr lives in temporary
# folders the tests delete); halt_on_error makes a racing nexusd die, so the
# request it was serving fails the test as well.
reports="$PWD/$build/tsan-reports"
rm -rf "$reports" && mkdir -p "$reports"
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/scripts/tsan.supp log_path=$reports/report"

status=0
"$build/bin/nexus_unit_tests" --gtest_filter='ReloadFixture.*' "$@" || status=$?
"$build/bin/nexus_integration_tests" --gtest_filter='Reload.*' "$@" || status=$?

if compgen -G "$reports/report*" > /dev/null; then
  echo "tsan.sh: ThreadSanitizer reports in $reports:" >&2
  head -n 60 "$reports"/report* >&2
  status=1
fi
exit "$status"
