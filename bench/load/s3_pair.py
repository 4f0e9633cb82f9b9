"""The s3 pair of bench/run (issue 9): the s3 plugin against
@aws-sdk/client-s3, both storing and reading objects in the same s3rver.

The plugin side is bench/inproc/s3_plugin_bench.cpp (the plugin loaded by
the host's runtime, in process, no HTTP front), the baseline
bench/s3_aws_sdk_bench.mjs (Node 22 from tests/peers). Same object sizes,
same number of concurrent callers (threads on one side, async callers on
the other), keep-alive on both, one key per caller. Sides run alternately
(A B, B A, ...) and the ratio is of the medians: plugin ops/s / aws-sdk
ops/s, target >= 1.0.

Sizes: 4 KiB, where a request is all overhead (signing, HTTP, the client's
own machinery), and 1 MiB, where moving the bytes (payload hash, copies,
the socket) dominates; together they show which half a gap is in. Both stay
under the plugin's 64 MiB multipart threshold, so each is one request.

    python3 bench/load/s3_pair.py --build build-bench [--reps 5] [--seconds 10]
"""
import argparse
import sys

sys.dont_write_bytecode = True

import json
import os
import pathlib
import shutil
import statistics
import subprocess
import tempfile
import time

import procs
from servers import BENCH, ROOT, node

BUCKET = "bench"
CASES = [("put", 4 << 10), ("get", 4 << 10), ("put", 1 << 20), ("get", 1 << 20)]
CONCURRENCY = 4  # callers per side; s3rver is one Node process, so more only queue there


def start_s3rver(tmp):
    """s3rver 3.7.1 from tests/peers on a free loopback port with the bucket
    BUCKET; returns its endpoint URL. The legacy OpenSSL provider is what
    PEERS.md found s3rver needs."""
    tmp.mkdir(parents=True, exist_ok=True)
    cli = ROOT / "tests/peers/node_modules/s3rver/bin/s3rver.js"
    if not cli.exists():
        raise RuntimeError(f"{cli} is missing: run scripts/peers.sh (npm ci in tests/peers)")
    port = procs.free_port()
    env = dict(os.environ, NODE_OPTIONS="--openssl-legacy-provider")
    p = procs.spawn([node(), str(cli), "-d", str(tmp / "data"), "-a", "127.0.0.1", "-p", str(port),
                     "--service-endpoint", "localhost", "--configure-bucket", BUCKET, "--silent"],
                    env=env, stdout=open(tmp / "s3rver.out", "w"), stderr=open(tmp / "s3rver.err", "w"))
    deadline = time.monotonic() + 30
    # Any HTTP answer means it listens (GET / is a ListBuckets without credentials: 403).
    while procs.http_status(port, "/") is None:
        if p.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"s3rver did not start (log: {tmp}/s3rver.err)")
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}"


def _run(argv, what):
    r = subprocess.run(argv, capture_output=True, text=True, timeout=900)
    if r.returncode != 0:
        raise RuntimeError(f"{what} failed with status {r.returncode}: {r.stderr.strip()[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def plugin_side(build, endpoint, op, size, seconds):
    return _run([str(build / "bin/nexus_s3_plugin_bench"), endpoint, BUCKET, op, str(size), str(CONCURRENCY),
                 str(seconds)], f"the s3 plugin bench ({op} {size} B)")


def sdk_side(endpoint, op, size, seconds):
    return _run([node(), str(BENCH / "s3_aws_sdk_bench.mjs"), endpoint, BUCKET, op, str(size), str(CONCURRENCY),
                 str(seconds)], f"the aws-sdk bench ({op} {size} B)")


def measure(build, tmp, reps, seconds):
    """{(op, size): {"plugin": [result...], "aws-sdk": [result...]}}, sides alternating per rep."""
    endpoint = start_s3rver(tmp)
    results = {case: {"plugin": [], "aws-sdk": []} for case in CASES}
    for rep in range(reps):
        for op, size in CASES:
            sides = [("plugin", lambda: plugin_side(build, endpoint, op, size, seconds)),
                     ("aws-sdk", lambda: sdk_side(endpoint, op, size, seconds))]
            for side, fn in sides if rep % 2 == 0 else reversed(sides):
                results[(op, size)][side].append(fn())
        print(f"  s3 pair: rep {rep + 1}/{reps} done, load average {os.getloadavg()[0]:.2f}", flush=True)
    return results


def _size_name(size):
    return f"{size >> 20} MiB" if size >= 1 << 20 else f"{size >> 10} KiB"


def print_table(results):
    print()
    print(f"{'s3 pair (s3rver, ' + str(CONCURRENCY) + ' callers)':34} {'plugin ops/s':>12} {'aws-sdk ops/s':>13} "
          f"{'plugin/sdk':>10}  runs (plugin | aws-sdk)")
    for (op, size), sides in results.items():
        ours = [r["ops_per_s"] for r in sides["plugin"]]
        theirs = [r["ops_per_s"] for r in sides["aws-sdk"]]
        a, b = statistics.median(ours), statistics.median(theirs)
        runs = " ".join(f"{x:.0f}" for x in ours) + " | " + " ".join(f"{x:.0f}" for x in theirs)
        print(f"{op.upper() + ' ' + _size_name(size):34} {a:12.0f} {b:13.0f} {a / b:9.2f}x  {runs}")
        errors = sum(r["errors"] for r in sides["plugin"] + sides["aws-sdk"])
        if errors:
            first = next(r["first_error"] for r in sides["plugin"] + sides["aws-sdk"] if r["errors"])
            print(f"note: {op} {_size_name(size)}: {errors} failed calls, first: {first}")
    print("target: plugin ops/s >= 1.0x aws-sdk ops/s (in process, no HTTP front; same s3rver, sizes, callers, keep-alive)")


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--build", required=True, type=pathlib.Path, help="build tree with bin/nexus_s3_plugin_bench")
    a.add_argument("--reps", type=int, default=5)
    a.add_argument("--seconds", type=int, default=10, help="length of one run of one side")
    args = a.parse_args()
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="nexus-bench-s3-"))
    print(f"s3 pair: {os.cpu_count()} cpus, load average {os.getloadavg()[0]:.2f}, {args.reps} x {args.seconds} s "
          f"per side, {CONCURRENCY} callers", flush=True)
    print_table(measure(args.build.resolve(), tmp, args.reps, args.seconds))
    procs.stop_all()
    shutil.rmtree(tmp)  # kept when the run fails: the errors name the s3rver log in it


if __name__ == "__main__":
    main()
