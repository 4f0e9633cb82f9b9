#!/usr/bin/env bash
# What bench/run needs beyond the build and test packages, from Debian 12:
# wrk (the load generator) and nginx (a baseline). Idempotent, like
# scripts/deps.sh, which does the work. bench/run starts nginx itself, in the
# foreground with its own config and pid file on a loopback port; it never
# uses the system service.
set -euo pipefail
exec bash "$(dirname "$0")/../scripts/deps.sh" wrk nginx
