#!/usr/bin/env bash
# Runs the concurrency-heavy tests under ThreadSanitizer: the in-process
# reload tests and the request pool (tests/unit/reload_test.cpp,
# request_pool_test.cpp), and against a real nexusd the zero-drop swap and
# the other reload tests, MCP, the worker limits and replies written from
# workers (tests/integration/{reload,mcp,mcp_inline_tools,limits,
# http_body_stream,http_reply_write}_test.cpp). scripts/test.sh (CI)
# runs it after the main suites.
#
# Only what those tests need is built, with -fsanitize=thread, into
# ./build-tsan: nexusd, the plugins their configs load and the test-only
# plugins, and test binaries holding just those files (NEXUS_TEST_ONLY).
#
# Exit status: non-zero on a failed test or on any TSan report, from a
# test binary or from a nexusd it started; the reports are printed.
#
#   scripts/tsan.sh                              build, run
#   scripts/tsan.sh --gtest_filter='Reload.*'    extra arguments go to both test binaries
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
build=build-tsan

# Plugins no TSan test loads (a new plugin is built here too until it is
# listed: that costs time, never correctness).
unused_plugins='/(aws|s3|dynamodb|openai|pocketsphinx|transcribe_tools|jwt|bearer|sql)$'
test_files='/(unit/(reload|request_pool)|integration/(reload|mcp|mcp_inline_tools|limits|http_body_stream|http_reply_write))_test\.cpp$'
# Configured every time (a few seconds) so an old build-tsan picks up the
# current selection.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DNEXUS_SANITIZE=thread -DNEXUS_BUILD_TESTS=ON \
  -DNEXUS_BUILD_EXAMPLES=OFF -DNEXUS_PLUGIN_EXCLUDE="$unused_plugins" -DNEXUS_TEST_ONLY="$test_files" > /dev/null
cmake --build "$build" -j"${NEXUS_JOBS:-2}" --target nexusd nexus_unit_tests nexus_integration_tests

# Reports go to files: a nexusd child's stderr lives in a temporary folder
# its test deletes. halt_on_error makes a racing nexusd die, so the request
# it was serving fails the test as well; second_deadlock_stack shows where
# both locks of a lock-order inversion were taken.
reports="$PWD/$build/tsan-reports"
rm -rf "$reports" && mkdir -p "$reports"
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/scripts/tsan.supp log_path=$reports/report"

# GCC 12's TSan runtime aborts ("unexpected memory mapping") on kernels
# that randomise mmap with more than 28 bits; without ASLR (inherited by
# every nexusd a test starts) it runs on any kernel.
no_aslr=(setarch "$(uname -m)" -R)

# Each binary holds only the selected files: run all of it.
status=0
"${no_aslr[@]}" "$build/bin/nexus_unit_tests" "$@" || status=$?
"${no_aslr[@]}" "$build/bin/nexus_integration_tests" "$@" || status=$?

if compgen -G "$reports/report*" > /dev/null; then
  for report in "$reports"/report*; do
    echo "tsan.sh: ThreadSanitizer report ($report):" >&2
    head -n 200 "$report" >&2
  done
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "tsan.sh: FAILED (a test failed or ThreadSanitizer reported a race; see above)" >&2
fi
exit "$status"
